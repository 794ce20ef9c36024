//! Reading a file a user names (a configuration, a body template, a schema, a secret): only a
//! regular file, after symbolic links are followed, and only up to a size limit. The one place
//! the macro and the runtime read files from, and core's only I/O.
//!
//! A FIFO would block the read forever, a device such as `/dev/zero` never ends, and a directory
//! has no text: each is refused before anything is read. The kind of the path is looked at
//! first, then the file is opened without blocking (`O_NONBLOCK`, so that a FIFO put there in
//! between cannot block either) and the opened file is looked at again; the read stops one byte
//! past the limit, so a file that grows while it is read is refused too.

use std::fs::{File, Metadata, OpenOptions};
use std::io::Read as _;
use std::path::Path;

/// The bytes of the regular file at `path`, at most `limit` of them; or why it is not read,
/// as a phrase that follows the file's name ("is a FIFO, not a regular file").
pub fn read(path: &Path, limit: u64) -> Result<Vec<u8>, String> {
    let before = std::fs::metadata(path).map_err(|e| format!("cannot be read: {e}"))?;
    regular(&before, limit)?;
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file: File = options
        .open(path)
        .map_err(|e| format!("cannot be read: {e}"))?;
    let opened = file
        .metadata()
        .map_err(|e| format!("cannot be read: {e}"))?;
    regular(&opened, limit)?;
    let mut bytes = Vec::with_capacity(usize::try_from(opened.len()).unwrap_or(0));
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot be read: {e}"))?;
    if bytes.len() as u64 > limit {
        return Err(too_large(limit));
    }
    Ok(bytes)
}

/// [`read`], as UTF-8 text.
pub fn read_text(path: &Path, limit: u64) -> Result<String, String> {
    String::from_utf8(read(path, limit)?).map_err(|e| {
        format!(
            "is not UTF-8 text (the byte at offset {} is not)",
            e.utf8_error().valid_up_to()
        )
    })
}

/// Refuses what is not a regular file, or is larger than `limit`.
fn regular(metadata: &Metadata, limit: u64) -> Result<(), String> {
    if !metadata.is_file() {
        return Err(format!(
            "is {}, not a regular file; only a regular file is read",
            kind(metadata)
        ));
    }
    if metadata.len() > limit {
        return Err(too_large(limit));
    }
    Ok(())
}

fn too_large(limit: u64) -> String {
    format!("is larger than {}, so it is not read", size(limit))
}

/// `16 MiB`, `64 KiB`, or bytes.
fn size(bytes: u64) -> String {
    const KIB: u64 = 1024;
    const MIB: u64 = 1024 * KIB;
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else if bytes >= KIB && bytes.is_multiple_of(KIB) {
        format!("{} KiB", bytes / KIB)
    } else {
        format!("{bytes} bytes")
    }
}

/// What a path that is not a regular file is.
fn kind(metadata: &Metadata) -> &'static str {
    let file_type = metadata.file_type();
    if file_type.is_dir() {
        return "a directory";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        if file_type.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if file_type.is_char_device() {
            return "a character device";
        }
        if file_type.is_block_device() {
            return "a block device";
        }
        if file_type.is_socket() {
            return "a socket";
        }
    }
    "something other than a file"
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A limit as large as a configuration's.
    const LIMIT: u64 = 16 << 20;

    fn dir(name: &str) -> std::path::PathBuf {
        let dir =
            std::env::temp_dir().join(format!("ory-actions-regular-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn a_regular_file_within_the_limit_is_read() {
        let dir = dir("ok");
        let path = dir.join("a.yaml");
        std::fs::write(&path, "a: 1\n").unwrap();
        assert_eq!(read_text(&path, 5).unwrap(), "a: 1\n");
        assert_eq!(
            read_text(&path, 4).unwrap_err(),
            "is larger than 4 bytes, so it is not read"
        );
        std::fs::write(&path, b"a: \xff\n").unwrap();
        assert_eq!(
            read_text(&path, 16).unwrap_err(),
            "is not UTF-8 text (the byte at offset 3 is not)"
        );
        #[cfg(unix)]
        {
            let link = dir.join("link.yaml");
            std::os::unix::fs::symlink(&path, &link).unwrap();
            assert_eq!(read(&link, 16).unwrap(), b"a: \xff\n");
        }
    }

    #[test]
    fn what_is_not_a_regular_file_is_refused_at_once() {
        let dir = dir("kinds");
        assert!(
            read(&dir, LIMIT)
                .unwrap_err()
                .starts_with("is a directory, not a regular file")
        );
        #[cfg(target_os = "linux")]
        {
            for (device, kind) in [
                ("/dev/zero", "a character device"),
                ("/dev/urandom", "a character device"),
            ] {
                let problem = read(Path::new(device), LIMIT).unwrap_err();
                assert!(problem.starts_with(&format!("is {kind}")), "{problem}");
            }
            let fifo = dir.join("fifo.yaml");
            let made = std::process::Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .expect("mkfifo runs");
            assert!(made.success());
            let problem = read(&fifo, LIMIT).unwrap_err();
            assert!(problem.starts_with("is a FIFO (named pipe)"), "{problem}");
            let link = dir.join("loop.yaml");
            std::os::unix::fs::symlink(&link, &link).unwrap();
            let problem = read(&link, LIMIT).unwrap_err();
            assert!(problem.starts_with("cannot be read"), "{problem}");
        }
    }
}
