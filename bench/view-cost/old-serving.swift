// The deny-list masking (the sources before views): `source`'s body as `role`'s policy masked it.
import GatewayCore
import GatewayJSON

func serving(_ role: RoleConfig, _ source: String) -> (JSON) -> Int {
    let policy = role.maskingPolicy(for: source)
    return { Masking.apply(policy, to: $0); return 0 }
}
