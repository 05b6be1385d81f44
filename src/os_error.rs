//! The operating system's errors in the office's words. An [`std::io::Error`] displays
//! the OS's English text («No space left on device (os error 28)»); a person running
//! chibo is told instead, in Vietnamese, what happened and what to do, from the error's
//! kind and, where the kind is too coarse (a file open in Excel on Windows), its code.

use std::io::{Error, ErrorKind};

/// Windows: the file is in use by another program (Excel keeps what it opens locked).
const WINDOWS_SHARING_VIOLATION: i32 = 32;
/// Windows: part of the file is locked by another program.
const WINDOWS_LOCK_VIOLATION: i32 = 33;
/// Windows: the disk is full (two codes).
const WINDOWS_DISK_FULL: [i32; 2] = [39, 112];
/// Windows: the medium is write-protected.
const WINDOWS_WRITE_PROTECT: i32 = 19;

/// What went wrong and what to do, in Vietnamese, for `e` met on a file or folder.
#[must_use]
pub fn reason(e: &Error) -> &'static str {
    if let Some(code) = raw_code(e).filter(|_| cfg!(windows)) {
        match code {
            WINDOWS_SHARING_VIOLATION | WINDOWS_LOCK_VIOLATION => {
                return "tệp đang được một chương trình khác mở (thường là Excel); hãy đóng tệp rồi chạy lại";
            }
            WINDOWS_WRITE_PROTECT => {
                return "ổ đĩa đang chống ghi; hãy bỏ chống ghi hoặc dùng thư mục khác rồi chạy lại";
            }
            c if WINDOWS_DISK_FULL.contains(&c) => return DISK_FULL,
            _ => {}
        }
    }
    match e.kind() {
        ErrorKind::NotFound => "không tìm thấy tệp hoặc thư mục; hãy kiểm tra đường dẫn",
        ErrorKind::PermissionDenied => {
            "không có quyền truy cập; hãy kiểm tra quyền của tệp hoặc thư mục, hoặc đóng chương trình đang mở nó"
        }
        ErrorKind::AlreadyExists => "tệp hoặc thư mục đã có; hãy đổi tên hoặc chuyển nó đi",
        ErrorKind::StorageFull | ErrorKind::QuotaExceeded | ErrorKind::FileTooLarge => DISK_FULL,
        ErrorKind::ReadOnlyFilesystem => {
            "ổ đĩa chỉ cho đọc, không ghi được; hãy dùng thư mục trên ổ đĩa ghi được"
        }
        ErrorKind::IsADirectory => "đây là thư mục, không phải tệp",
        ErrorKind::NotADirectory => "một phần của đường dẫn là tệp, không phải thư mục",
        ErrorKind::DirectoryNotEmpty => "thư mục không trống",
        ErrorKind::ResourceBusy | ErrorKind::ExecutableFileBusy => {
            "tệp đang được chương trình khác dùng; hãy đóng chương trình đó rồi chạy lại"
        }
        ErrorKind::TimedOut | ErrorKind::WouldBlock => {
            "ổ đĩa hoặc máy chủ không trả lời kịp; hãy thử lại sau"
        }
        ErrorKind::CrossesDevices => "không chuyển được tệp sang ổ đĩa khác",
        ErrorKind::InvalidData | ErrorKind::UnexpectedEof => {
            "nội dung tệp không đọc được (tệp có thể bị hỏng hoặc chưa ghi xong)"
        }
        _ => "lỗi đọc hoặc ghi ổ đĩa; hãy kiểm tra ổ đĩa rồi chạy lại",
    }
}

const DISK_FULL: &str = "ổ đĩa đã đầy; hãy giải phóng chỗ trống rồi chạy lại";

/// The OS's own number for `e`, in Vietnamese, for `-v` («mã lỗi hệ điều hành 28»), or
/// nothing when the error has none.
#[must_use]
pub fn code(e: &Error) -> Option<String> {
    raw_code(e).map(|code| format!("mã lỗi hệ điều hành {code}"))
}

/// The OS's number for `e`, or for the error it wraps (`tempfile` wraps what the OS said
/// with the path concerned).
fn raw_code(e: &Error) -> Option<i32> {
    e.raw_os_error().or_else(|| {
        let mut inner: Option<&(dyn std::error::Error + 'static)> = e.get_ref().map(|r| r as _);
        while let Some(error) = inner {
            if let Some(code) = error.downcast_ref::<Error>().and_then(raw_code) {
                return Some(code);
            }
            inner = error.source();
        }
        None
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_an_office_meets_has_its_own_words() {
        let said = |kind| reason(&Error::from(kind));
        assert_eq!(said(ErrorKind::StorageFull), DISK_FULL);
        assert!(said(ErrorKind::PermissionDenied).starts_with("không có quyền"));
        assert!(said(ErrorKind::ReadOnlyFilesystem).starts_with("ổ đĩa chỉ cho đọc"));
        assert!(said(ErrorKind::NotFound).starts_with("không tìm thấy"));
        assert_ne!(said(ErrorKind::NotFound), said(ErrorKind::AlreadyExists));
    }

    #[test]
    fn os_errors_from_codes_read_as_their_kind() {
        // What the OS really returns: ENOSPC, EROFS, EACCES on Linux.
        #[cfg(unix)]
        {
            assert_eq!(reason(&Error::from_raw_os_error(28)), DISK_FULL);
            assert!(reason(&Error::from_raw_os_error(30)).starts_with("ổ đĩa chỉ cho đọc"));
            assert!(reason(&Error::from_raw_os_error(13)).starts_with("không có quyền"));
        }
        assert_eq!(
            code(&Error::from_raw_os_error(28)).as_deref(),
            Some("mã lỗi hệ điều hành 28")
        );
        assert_eq!(code(&Error::other("x")), None);
        // A wrapped OS error (as tempfile wraps one with its path) keeps its number.
        let wrapped = Error::new(ErrorKind::StorageFull, Error::from_raw_os_error(28));
        assert_eq!(code(&wrapped).as_deref(), Some("mã lỗi hệ điều hành 28"));
    }
}
