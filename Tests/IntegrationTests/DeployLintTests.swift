import Foundation
import GatewayCore
import GatewayCrypto
import GatewayJSON
import Testing

/// `deploy/` is linted, validated and consistent with the gateway it deploys. Every tool is
/// pinned and installed by `.ci/install-test-tools`; a missing tool or any finding fails.
@Suite(.endsWhatItStarts) struct DeployLintTests {
    static let dockerfile = "deploy/docker/Dockerfile"
    static let kubernetesFolder = "deploy/k8s"
    static let systemdUnit = "deploy/systemd/exchange-gateway.service"
    /// The Kubernetes version the manifests must be valid for.
    static let kubernetesVersion = "1.30.0"

    /// The manifests Kubernetes applies (the kustomization is kustomize's input, not a resource).
    static func manifests() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: TestEnvironment.repositoryRoot + "/" + kubernetesFolder)
            .filter { $0.hasSuffix(".yaml") && $0 != "kustomization.yaml" }.sorted()
            .map { kubernetesFolder + "/" + $0 }
    }

    /// Every YAML document of `file` (relative to the repository root), as JSON.
    static func yamlDocuments(_ file: String) async throws -> [JSON] {
        let python = try ExternalTool.venv("python")
        let script = "import json, sys, yaml; print(json.dumps(list(yaml.safe_load_all(open(sys.argv[1], encoding='utf-8')))))"
        let run = try await python.run(["-c", script, file])
        try #require(run.status == 0, "\(run)")
        return try JSON.parse(Array(run.output.utf8)).elements
    }

    /// The one document of kind `kind` in `file`.
    static func resource(_ kind: String, in file: String) async throws -> JSON {
        try #require(try await yamlDocuments(file).first { $0["kind"]?.string == kind }, "no \(kind) in \(file)")
    }

    @Test func dockerfileIsHadolintClean() async throws {
        let run = try await ExternalTool.venv("hadolint").run([Self.dockerfile])
        #expect(run.status == 0 && run.output.isEmpty, "\(run)")
    }

    /// Strict schema validation against a pinned Kubernetes version: unknown fields are errors.
    @Test func manifestsValidateAgainstKubernetes() async throws {
        let manifests = try Self.manifests()
        #expect(manifests.count >= 8, "\(manifests)")
        let run = try await ExternalTool.venv("kubernetes-validate")
            .run(["--kubernetes-version", Self.kubernetesVersion, "--strict", "--quiet"] + manifests)
        #expect(run.status == 0, "\(run)")
    }

    /// No failed checkov check in the manifests or the Dockerfile; checks that do not apply are
    /// skipped in the manifest itself with a reason. `deploy/docker/gateway.json` is left out of
    /// the secrets scan: it holds the SHA-256 of the README's public demo keys, which the
    /// entropy check cannot tell from a secret.
    @Test func checkovFindsNoMisconfiguration() async throws {
        let run = try await ExternalTool.venv("checkov").run([
            "--directory", "deploy", "--framework", "kubernetes", "dockerfile", "secrets",
            "--skip-path", "deploy/docker/gateway.json", "--skip-download", "--quiet", "--compact",
        ], timeLimit: .seconds(300))
        #expect(run.status == 0, "\(run)")
    }

    /// `systemd-analyze verify` wants the unit's ExecStart binary to exist, so it verifies a copy
    /// whose ExecStart is the freshly built `exchange-gateway`; everything else is the unit as
    /// shipped. Any output (an unknown key is only a warning) fails.
    @Test func systemdUnitVerifies() async throws {
        let unit = try String(contentsOfFile: TestEnvironment.repositoryRoot + "/" + Self.systemdUnit, encoding: .utf8)
        let binary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent("exchange-gateway").path
        #expect(unit.contains("ExecStart=/usr/local/bin/exchange-gateway "))
        let copy = TestEnvironment.temporaryDirectory() + "/exchange-gateway.service"
        try unit.replacing("/usr/local/bin/exchange-gateway", with: binary).write(toFile: copy, atomically: true, encoding: .utf8)
        let run = try await ExternalTool.system("/usr/bin/systemd-analyze").run(["verify", "--man=no", copy])
        #expect(run.status == 0 && run.output.isEmpty, "\(run)")
    }

    /// The ConfigMap's gateway.json and the container config are valid configs: the secret files
    /// are stood in for by placeholder files (client key hashes, a signing key, a TLS pair) and the
    /// audit volume by a folder, all temporary, then `exchange-gateway config check` reads them.
    @Test func configMapHoldsAValidConfig() async throws {
        let configMap = try await Self.resource("ConfigMap", in: Self.kubernetesFolder + "/configmap.yaml")
        let text = try #require(configMap["data"]?["gateway.json"]?.string)
        let folder = TestEnvironment.temporaryDirectory()
        for subfolder in ["clients", "audit-signing", "tls"] {
            try FileManager.default.createDirectory(atPath: folder + "/" + subfolder, withIntermediateDirectories: true)
        }
        for client in ["registration-desk-01", "audit-office"] {
            try Hex.encode(Digest.sha256(Array("placeholder key of \(client)".utf8))).write(toFile: "\(folder)/clients/\(client).sha256", atomically: true, encoding: .utf8)
        }
        try Ed25519.PrivateKey.generate().pemRepresentation.write(toFile: folder + "/audit-signing/signing.key", atomically: true, encoding: .utf8)
        let certificate = try await TLSTests.Certificate.make()
        try FileManager.default.copyItem(atPath: certificate.certFile, toPath: folder + "/tls/tls.crt")
        try FileManager.default.copyItem(atPath: certificate.keyFile, toPath: folder + "/tls/tls.key")
        let docker = try String(contentsOfFile: TestEnvironment.repositoryRoot + "/deploy/docker/gateway.json", encoding: .utf8)
        for (name, config) in [("configmap", text), ("docker", docker)] {
            let path = "\(folder)/\(name).json"
            try config.replacing("/etc/exchange-gateway/", with: folder + "/").replacing("/var/lib/exchange-gateway/", with: folder + "/")
                .write(toFile: path, atomically: true, encoding: .utf8)
            let check = try await CommandLineTests.run("exchange-gateway", ["config", "check", path])
            #expect(check.status == 0, "\(name): \(check.output) \(check.errors)")
        }
    }

    /// The pod's grace period covers the preStop pause, the gateway's drain timeout and the
    /// audit log's close; systemd's stop timeout covers drain and close too.
    @Test func stopTimeoutsCoverTheDrain() async throws {
        let configMap = try await Self.resource("ConfigMap", in: Self.kubernetesFolder + "/configmap.yaml")
        let config = try JSON.parse(Array(try #require(configMap["data"]?["gateway.json"]?.string).utf8))
        let drain = try #require(config["server"]?["drain_timeout_s"]?.integer)
        let statefulSet = try await Self.resource("StatefulSet", in: Self.kubernetesFolder + "/statefulset.yaml")
        let pod = try #require(statefulSet["spec"]?["template"]?["spec"])
        let grace = try #require(pod["terminationGracePeriodSeconds"]?.integer)
        let container = try #require(pod["containers"]?.elements.first)
        let preStop = try #require(container["lifecycle"]?["preStop"]?["exec"]?["command"]?.elements)
        #expect(preStop.first?.string == "/bin/sleep")
        let pause = try #require(preStop.last?.string.flatMap { Int($0) })
        #expect(grace >= pause + drain + 3, "grace \(grace) s < preStop \(pause) s + drain \(drain) s + close")

        let unit = try String(contentsOfFile: TestEnvironment.repositoryRoot + "/" + Self.systemdUnit, encoding: .utf8)
        let stopLine = try #require(unit.split(separator: "\n").first { $0.hasPrefix("TimeoutStopSec=") })
        let stop = try #require(Int(stopLine.dropFirst("TimeoutStopSec=".count)))
        #expect(stop >= ServerConfig().drainTimeoutSeconds + 3, "TimeoutStopSec=\(stop) does not cover the default drain")
    }
}
