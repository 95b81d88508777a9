//! Sessions as people see them: the list of every place they are signed in
//! (`list`), ending sessions (`revoke`), the security timeline
//! (`timeline`), and the periodic expiry (`cleanup`).

pub mod cleanup;
pub mod list;
pub mod revoke;
pub mod timeline;
