// The views (current sources): `source`'s body as `role`'s view serves it.
import GatewayCore
import GatewayJSON

func serving(_ role: RoleConfig, _ source: String) -> (JSON) -> Int {
    let view = role.view(for: source)
    return { view.apply(to: $0).withheld.occurrences }
}
