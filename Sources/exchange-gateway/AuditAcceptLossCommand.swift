import AuditLog
import CLISupport
import Gateway
import GatewayCore

/// `exchange-gateway audit accept-loss`: continue a log that lost lines its witness saw, so that
/// the gap is recorded, signed and witnessed instead of refusing every start.
enum AuditAcceptLossCommand {
    static let usage = """
        usage: exchange-gateway audit accept-loss --config FILE --note TEXT

        For a real loss only (a restored backup, a failed disk): the gateway refuses to start on an
        audit log that ends before the last checkpoint its witness (audit.witness_file) holds. This
        continues that log after its last line with an `opened` line (reason "loss") naming the
        witness's last checkpoint and TEXT (what happened, who decided), then a `closed` line and a
        checkpoint signed with audit.signing_key_file and witnessed. `audit verify` shows the loss
        ever after. Stop the gateway first; only the audit section of FILE is read.
        """

    static func run(_ arguments: consuming Arguments) async {
        var arguments = arguments
        if arguments.wantsHelp() { return Terminal.print(usage) }
        let configPath: String, note: String
        do throws(ArgumentError) {
            guard let path = try arguments.option("--config") else { throw ArgumentError("audit accept-loss needs --config FILE") }
            guard let text = try arguments.option("--note"), !text.isEmpty else {
                throw ArgumentError("audit accept-loss needs --note TEXT: what was lost, why, and who accepts it")
            }
            try arguments.finish()
            configPath = path
            note = text
        } catch {
            Terminal.fail(error.description, program: ExchangeGateway.program, code: 2)
        }
        do {
            let audit = try AuditConfig.load(configFile: configPath)
            guard let keyFile = audit.signingKeyFile else {
                AuditCommand.fail("audit accept-loss needs audit.signing_key_file in \(configPath): a loss is recorded with a signed checkpoint")
            }
            let key = try AuditSigningKey.load(keyFile)
            let loss = try AuditLog.acceptLoss(config: audit, signingKey: key, note: note)
            Terminal.print("""
                recorded the loss in \(audit.directory): witnessed checkpoints up to seq \(loss.witnessSeq) are gone; \
                the log continues after its last line, and the gateway can start again
                """)
        } catch {
            AuditCommand.fail("\(error)")
        }
    }
}
