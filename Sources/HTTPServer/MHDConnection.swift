/// A connection handle handed to the task that answers it.
// @unchecked: the task only calls MHD_resume_connection, which MHD documents as
// callable from any thread; everything else happens on MHD's own threads.
struct MHDConnection: @unchecked Sendable {
    let pointer: OpaquePointer
}
