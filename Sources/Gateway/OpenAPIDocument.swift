/// The gateway's API contract (OpenAPI 3.1), served at `GET /openapi.yaml`. It is
/// `Resources/openapi.yaml` embedded into the binary at build time, so the served document
/// never depends on the working directory or on files shipped beside the executable.
enum OpenAPIDocument {
    static let contentType = "application/yaml"

    static let yaml: [UInt8] = PackageResources.openapi_yaml
}
