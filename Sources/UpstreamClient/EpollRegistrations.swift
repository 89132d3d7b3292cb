import CLinux
import EventLoop
import Glibc

/// The loop's epoll set, kept in step with the sockets libcurl watches in as few `epoll_ctl` calls
/// as libcurl allows.
///
/// libcurl stops watching a connection's socket when its transfer ends and watches it again when
/// the next transfer reuses the keep-alive connection. The registration (for reading) stays in
/// between: an idle connection becomes readable only when its department closes it or sends
/// something unasked, and then it is dropped (level-triggered, it would otherwise wake the loop
/// again and again). A connection's socket is dropped before libcurl closes it (libcurl opens and
/// closes those through the loop's CURLOPT_OPENSOCKETFUNCTION and CURLOPT_CLOSESOCKETFUNCTION), so
/// a descriptor number that comes back for a new socket never looks registered, and no
/// registration outlives its socket. Any other socket libcurl watches (the threaded resolver's
/// socketpair) it closes by itself right after it stops watching: its registration goes then.
///
/// Used only on the loop's thread.
struct EpollRegistrations {
    private struct Entry {
        /// The events registered in the set; 0 when the socket is not in it.
        var events: UInt32 = 0
        /// Whether libcurl watches the socket now.
        var watched = false
        /// A connection's socket, opened through the loop's callback: libcurl closes it through
        /// the loop's callback too, so its registration may outlive watching.
        var isConnection = false
    }

    /// The loop's epoll set, tagged for the multi handle whose sockets these are.
    let epollSet: EpollSet
    /// By descriptor number.
    private var entries: [Entry] = []

    init(epollSet: EpollSet) {
        self.epollSet = epollSet
    }

    /// libcurl opened `socket` for a connection (CURLOPT_OPENSOCKETFUNCTION): a new socket, in no
    /// epoll set yet, whatever its number named before.
    mutating func opened(_ socket: Int32) {
        let index = Int(socket)
        if index >= entries.count { entries += repeatElement(Entry(), count: index + 1 - entries.count) }
        entries[index] = Entry(isConnection: true)
    }

    /// libcurl watches `socket` for `events` (EPOLLIN and/or EPOLLOUT) now.
    mutating func watch(_ socket: Int32, events: UInt32) {
        let index = Int(socket)
        if index >= entries.count { entries += repeatElement(Entry(), count: index + 1 - entries.count) }
        entries[index].watched = true
        guard entries[index].events != events else { return }
        if entries[index].events == 0 {
            if epollSet.add(socket, events: events) == .alreadyExists { epollSet.modify(socket, events: events) }
        } else if epollSet.modify(socket, events: events) == .notFound {
            epollSet.add(socket, events: events)
        }
        entries[index].events = events
    }

    /// libcurl no longer watches `socket` (CURL_POLL_REMOVE): its transfer ended, and the
    /// connection may be reused. A connection's registration for reading stays; one that also
    /// waits for room to write would wake the loop at once, and goes, as does any socket that is
    /// not a connection's (libcurl is about to close it without telling).
    mutating func unwatch(_ socket: Int32) {
        let index = Int(socket)
        guard index < entries.count else { return }
        entries[index].watched = false
        if !entries[index].isConnection { return drop(socket) }
        if entries[index].events != EPOLLIN.rawValue { leaveSet(socket) }
    }

    /// Whether libcurl watches `socket`, which epoll reported ready. One it does not watch is an
    /// idle keep-alive connection its department closed (or wrote to unasked): it leaves the set,
    /// and libcurl finds it dead when it next tries to reuse it.
    mutating func isWatched(_ socket: Int32) -> Bool {
        let index = Int(socket)
        if index < entries.count, entries[index].watched { return true }
        leaveSet(socket)
        return false
    }

    /// Takes `socket` out of the set and forgets it; called before libcurl closes it.
    mutating func drop(_ socket: Int32) {
        leaveSet(socket)
        if Int(socket) < entries.count { entries[Int(socket)] = Entry() }
    }

    /// Takes `socket` out of the set; the socket stays open (and a connection's stays one).
    private mutating func leaveSet(_ socket: Int32) {
        let index = Int(socket)
        guard index < entries.count, entries[index].events != 0 else { return }
        epollSet.remove(socket)
        entries[index].events = 0
    }
}
