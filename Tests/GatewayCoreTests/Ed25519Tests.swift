import Foundation
import Testing
import GatewayCrypto

struct Ed25519Tests {
    static let message = Array("checkpoint 42: 9f86d081884c7d659a2feaa0c55ad015".utf8)

    // MARK: Sign and verify

    /// A signature made by a fresh key is 64 bytes and verifies under its public key.
    @Test func signThenVerify() {
        let key = Ed25519.PrivateKey.generate()
        let signature = key.signature(for: Self.message)
        #expect(signature.count == 64)
        #expect(key.publicKey.isValidSignature(signature, for: Self.message))
    }

    /// Two generated keys differ, and one's signature does not verify under the other's public key.
    @Test func otherKeyRejects() {
        let key = Ed25519.PrivateKey.generate()
        let other = Ed25519.PrivateKey.generate()
        #expect(key.publicKey != other.publicKey)
        #expect(!other.publicKey.isValidSignature(key.signature(for: Self.message), for: Self.message))
    }

    /// A signature does not verify for any other message: one byte changed, one added, one dropped, none.
    @Test(arguments: [
        Array("checkpoint 43: 9f86d081884c7d659a2feaa0c55ad015".utf8),
        Array("checkpoint 42: 9f86d081884c7d659a2feaa0c55ad015 ".utf8),
        Array("checkpoint 42: 9f86d081884c7d659a2feaa0c55ad01".utf8),
        [],
    ])
    func modifiedMessageRejects(_ modified: [UInt8]) {
        let key = Ed25519.PrivateKey.generate()
        #expect(!key.publicKey.isValidSignature(key.signature(for: Self.message), for: modified))
    }

    /// Flipping any one bit of the signature, in R (bytes 0–31) or S (bytes 32–63), makes it invalid.
    @Test(arguments: [(0, 0), (0, 7), (17, 4), (31, 7), (32, 0), (47, 5), (62, 1), (63, 7)])
    func flippedBitRejects(byte: Int, bit: Int) {
        let key = Ed25519.PrivateKey.generate()
        var signature = key.signature(for: Self.message)
        signature[byte] ^= UInt8(1) << bit
        #expect(!key.publicKey.isValidSignature(signature, for: Self.message))
    }

    /// A signature cut short (or with a byte appended) is invalid, and checking it does not crash.
    @Test(arguments: [0, 1, 32, 63, 65])
    func wrongLengthSignatureRejects(length: Int) {
        let key = Ed25519.PrivateKey.generate()
        let signature = key.signature(for: Self.message)
        let changed = length <= 64 ? Array(signature.prefix(length)) : signature + [0]
        #expect(!key.publicKey.isValidSignature(changed, for: Self.message))
    }

    /// The same bytes give the same signature whatever collection holds them, contiguous or not.
    @Test func anyCollectionOfBytes() {
        let key = Ed25519.PrivateKey.generate()
        let text = "checkpoint 42: 9f86d081884c7d659a2feaa0c55ad015"
        let signature = key.signature(for: Self.message)
        #expect(key.signature(for: text.utf8) == signature)
        #expect(key.signature(for: Self.message[...]) == signature)
        #expect(key.signature(for: Self.message.lazy.map { $0 }) == signature)
        #expect(key.publicKey.isValidSignature(signature, for: text.utf8))
        #expect(key.publicKey.isValidSignature(signature, for: Self.message.lazy.map { $0 }))
    }

    /// Keys are Sendable values: many tasks sign with one key at once and every signature verifies.
    @Test func concurrentSigning() async {
        let key = Ed25519.PrivateKey.generate()
        let results = await withTaskGroup(of: Bool.self) { group in
            for index in 0..<32 {
                group.addTask {
                    let message = Array("checkpoint \(index)".utf8)
                    return key.publicKey.isValidSignature(key.signature(for: message), for: message)
                }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results == Array(repeating: true, count: 32))
    }

    /// A private key never shows its secret when printed, debug-printed or dumped.
    @Test func privateKeyIsRedacted() {
        let key = Ed25519.PrivateKey.generate()
        var dumped = ""
        dump(key, to: &dumped)
        #expect("\(key)" == "Ed25519.PrivateKey(redacted)")
        #expect(String(reflecting: key) == "Ed25519.PrivateKey(redacted)")
        #expect(!dumped.contains("seed"))
    }

    // MARK: RFC 8032

    /// RFC 8032 section 7.1 tests 1–3: the secret gives the listed public key and signature, which verifies.
    @Test(arguments: [
        ("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
         "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
         "",
         "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"),
        ("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
         "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
         "72",
         "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"),
        ("c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
         "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
         "af82",
         "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"),
    ])
    func rfc8032(secret: String, publicKey: String, message: String, signature: String) throws {
        let key = try Ed25519.PrivateKey(rawRepresentation: try #require(Hex.decode(secret)))
        let messageBytes = try #require(Hex.decode(message))
        #expect(Hex.encode(key.publicKey.rawRepresentation) == publicKey)
        #expect(Hex.encode(key.signature(for: messageBytes)) == signature)
        let listedKey = try Ed25519.PublicKey(rawRepresentation: try #require(Hex.decode(publicKey)))
        #expect(listedKey == key.publicKey)
        #expect(listedKey.isValidSignature(try #require(Hex.decode(signature)), for: messageBytes))
    }

    // MARK: PEM

    /// A private key written as PKCS#8 PEM reads back as the same key, and writes the same text again.
    @Test func privateKeyPEMRoundTrip() throws {
        let key = Ed25519.PrivateKey.generate()
        let pem = key.pemRepresentation
        #expect(pem.hasPrefix("-----BEGIN PRIVATE KEY-----\n"))
        #expect(pem.hasSuffix("-----END PRIVATE KEY-----\n"))
        let readBack = try Ed25519.PrivateKey(pem: pem)
        #expect(readBack.pemRepresentation == pem)
        #expect(readBack.publicKey == key.publicKey)
        #expect(readBack.signature(for: Self.message) == key.signature(for: Self.message))
    }

    /// A public key written as SubjectPublicKeyInfo PEM reads back equal to the one derived from the private key.
    @Test func publicKeyPEMRoundTrip() throws {
        let key = Ed25519.PrivateKey.generate()
        let pem = key.publicKey.pemRepresentation
        #expect(pem.hasPrefix("-----BEGIN PUBLIC KEY-----\n"))
        #expect(pem.hasSuffix("-----END PUBLIC KEY-----\n"))
        let readBack = try Ed25519.PublicKey(pem: pem)
        #expect(readBack == key.publicKey)
        #expect(readBack.rawRepresentation.count == 32)
        #expect(try Ed25519.PublicKey(rawRepresentation: readBack.rawRepresentation) == readBack)
        #expect(readBack.isValidSignature(key.signature(for: Self.message), for: Self.message))
    }

    // MARK: Interop with the openssl CLI

    /// A key from `openssl genpkey` loads, writes back the same PEM texts as openssl, and its derived
    /// public key equals the one `openssl pkey -pubout` writes.
    @Test func opensslKeyLoads() throws {
        try withTemporaryDirectory { directory in
            let keyText = try OpenSSL.generateKey(in: directory, algorithm: ["-algorithm", "ed25519"])
            let publicText = try OpenSSL.publicKey(of: "\(directory)/key.pem", to: "\(directory)/pub.pem")
            let key = try Ed25519.PrivateKey(pem: keyText)
            #expect(key.pemRepresentation == keyText)
            #expect(key.publicKey.pemRepresentation == publicText)
            #expect(try Ed25519.PublicKey(pem: publicText) == key.publicKey)
        }
    }

    /// `openssl pkeyutl -verify -rawin` accepts our signature with an openssl-made key, and rejects it with one bit flipped.
    @Test func opensslVerifiesOurSignature() throws {
        try withTemporaryDirectory { directory in
            let keyText = try OpenSSL.generateKey(in: directory, algorithm: ["-algorithm", "ed25519"])
            _ = try OpenSSL.publicKey(of: "\(directory)/key.pem", to: "\(directory)/pub.pem")
            let key = try Ed25519.PrivateKey(pem: keyText)
            var signature = key.signature(for: Self.message)
            try Data(Self.message).write(to: URL(fileURLWithPath: "\(directory)/msg"))
            try Data(signature).write(to: URL(fileURLWithPath: "\(directory)/sig"))
            let verify = ["pkeyutl", "-verify", "-pubin", "-inkey", "\(directory)/pub.pem", "-rawin",
                          "-in", "\(directory)/msg", "-sigfile", "\(directory)/sig"]
            let accepted = try OpenSSL.run(verify)
            #expect(accepted.status == 0, "\(accepted.output)")
            signature[40] ^= 0x10
            try Data(signature).write(to: URL(fileURLWithPath: "\(directory)/sig"))
            #expect(try OpenSSL.run(verify).status != 0)
        }
    }

    /// A signature made by `openssl pkeyutl -sign -rawin` verifies with our PublicKey read from openssl's PEM.
    @Test func weVerifyOpensslSignature() throws {
        try withTemporaryDirectory { directory in
            let keyText = try OpenSSL.generateKey(in: directory, algorithm: ["-algorithm", "ed25519"])
            let publicText = try OpenSSL.publicKey(of: "\(directory)/key.pem", to: "\(directory)/pub.pem")
            try Data(Self.message).write(to: URL(fileURLWithPath: "\(directory)/msg"))
            let signed = try OpenSSL.run(["pkeyutl", "-sign", "-inkey", "\(directory)/key.pem", "-rawin",
                                          "-in", "\(directory)/msg", "-out", "\(directory)/sig"])
            try #require(signed.status == 0, "\(signed.output)")
            let signature = Array(try Data(contentsOf: URL(fileURLWithPath: "\(directory)/sig")))
            let publicKey = try Ed25519.PublicKey(pem: publicText)
            #expect(publicKey.isValidSignature(signature, for: Self.message))
            #expect(!publicKey.isValidSignature(signature, for: Self.message.dropLast()))
            // Deterministic: our signature with the same key is byte-for-byte openssl's.
            #expect(try Ed25519.PrivateKey(pem: keyText).signature(for: Self.message) == signature)
        }
    }

    // MARK: Errors

    /// Text that is not a readable PEM key is `.invalidPEM` for both key types.
    @Test(arguments: [
        "",
        "garbage",
        "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
        "-----BEGIN PUBLIC KEY-----\nnot base64 at all!\n-----END PUBLIC KEY-----\n",
        "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g\n",
    ])
    func garbagePEM(_ text: String) {
        #expect(throws: Ed25519.KeyError.invalidPEM) { try Ed25519.PrivateKey(pem: text) }
        #expect(throws: Ed25519.KeyError.invalidPEM) { try Ed25519.PublicKey(pem: text) }
    }

    /// A public key PEM is not a private key and the reverse; both are `.invalidPEM`.
    @Test func wrongKindOfPEM() {
        let key = Ed25519.PrivateKey.generate()
        #expect(throws: Ed25519.KeyError.invalidPEM) { try Ed25519.PrivateKey(pem: key.publicKey.pemRepresentation) }
        #expect(throws: Ed25519.KeyError.invalidPEM) { try Ed25519.PublicKey(pem: key.pemRepresentation) }
    }

    /// An encrypted PKCS#8 key is `.invalidPEM`, without asking for a passphrase on the terminal.
    @Test func encryptedPEM() throws {
        try withTemporaryDirectory { directory in
            let keyText = try OpenSSL.generateKey(
                in: directory, algorithm: ["-algorithm", "ed25519", "-aes-256-cbc", "-pass", "pass:secret"])
            #expect(keyText.hasPrefix("-----BEGIN ENCRYPTED PRIVATE KEY-----"))
            #expect(throws: Ed25519.KeyError.invalidPEM) { try Ed25519.PrivateKey(pem: keyText) }
        }
    }

    /// Well-formed private and public PEM keys of another algorithm are `.notEd25519`.
    @Test(arguments: [
        ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"],
        ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
        ["-algorithm", "ed448"],
        ["-algorithm", "x25519"],
    ])
    func otherAlgorithm(_ algorithm: [String]) throws {
        try withTemporaryDirectory { directory in
            let keyText = try OpenSSL.generateKey(in: directory, algorithm: algorithm)
            let publicText = try OpenSSL.publicKey(of: "\(directory)/key.pem", to: "\(directory)/pub.pem")
            #expect(throws: Ed25519.KeyError.notEd25519) { try Ed25519.PrivateKey(pem: keyText) }
            #expect(throws: Ed25519.KeyError.notEd25519) { try Ed25519.PublicKey(pem: publicText) }
        }
    }

    /// Raw keys of any length but 32 bytes are `.invalidRawKey`.
    @Test(arguments: [0, 1, 31, 33, 64])
    func wrongRawKeyLength(_ count: Int) {
        let bytes = [UInt8](repeating: 7, count: count)
        #expect(throws: Ed25519.KeyError.invalidRawKey) { try Ed25519.PrivateKey(rawRepresentation: bytes) }
        #expect(throws: Ed25519.KeyError.invalidRawKey) { try Ed25519.PublicKey(rawRepresentation: bytes) }
    }

    /// Each error says what was wrong.
    @Test func errorDescriptions() {
        #expect(Ed25519.KeyError.invalidPEM.description.contains("PEM"))
        #expect(Ed25519.KeyError.notEd25519.description.contains("Ed25519"))
        #expect(Ed25519.KeyError.invalidRawKey.description.contains("32 bytes"))
    }
}

// MARK: - Helpers

/// Runs `body` with a fresh temporary directory, removed afterwards.
private func withTemporaryDirectory(_ body: (String) throws -> Void) throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ed25519-\(UUID())").path
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    try body(directory)
}

/// The `/usr/bin/openssl` command line, run synchronously.
private enum OpenSSL {
    struct Failure: Error, CustomStringConvertible {
        let arguments: [String]
        let output: String
        var description: String { "openssl \(arguments.joined(separator: " ")) failed: \(output)" }
    }

    /// Exit status and combined stdout/stderr of `openssl arguments`.
    static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }

    /// Writes `directory/key.pem` with `openssl genpkey` and returns its text.
    static func generateKey(in directory: String, algorithm: [String]) throws -> String {
        let arguments = ["genpkey"] + algorithm + ["-out", "\(directory)/key.pem"]
        let result = try run(arguments)
        guard result.status == 0 else { throw Failure(arguments: arguments, output: result.output) }
        return try String(contentsOfFile: "\(directory)/key.pem", encoding: .utf8)
    }

    /// Writes the public key of `keyFile` to `publicFile` with `openssl pkey -pubout` and returns its text.
    static func publicKey(of keyFile: String, to publicFile: String) throws -> String {
        let arguments = ["pkey", "-in", keyFile, "-pubout", "-out", publicFile]
        let result = try run(arguments)
        guard result.status == 0 else { throw Failure(arguments: arguments, output: result.output) }
        return try String(contentsOfFile: publicFile, encoding: .utf8)
    }
}
