//! The menu's commands: what each is called on screen, the command line it runs (the very
//! one a person could type in the workspace), and what its exit status means in plain
//! words. Pure.

use crate::model::YearMonth;

/// A command the menu runs for the month chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// `chibo collect`: the reports mailed to the office's mailbox of `[collect.imap]`.
    Collect,
    /// `chibo check <inbox>/YYYY-MM`.
    Check,
    /// `chibo run --month YYYY-MM`.
    Run,
    /// `chibo send --month YYYY-MM`.
    Send,
    /// `chibo template --month YYYY-MM` of the next month.
    Template,
}

/// The month and the workspace's inbox folder as shown (`inbox`): what the commands
/// need to be named.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// The report month chosen.
    pub month: YearMonth,
    /// The inbox folder, relative to the workspace when inside it, with `/`.
    pub inbox: String,
}

impl Action {
    /// The commands in the order of the month's work, numbered from 1 on screen.
    pub const ALL: [Action; 5] = [
        Action::Collect,
        Action::Check,
        Action::Run,
        Action::Send,
        Action::Template,
    ];

    /// The line of the menu.
    pub fn label(self, t: &Target) -> String {
        match self {
            Action::Collect => "Nhận báo cáo các đơn vị gửi qua thư điện tử".to_owned(),
            Action::Check => format!(
                "Kiểm tra các báo cáo đã nhận của tháng {} ({}/{})",
                t.month.vi(),
                t.inbox,
                t.month
            ),
            Action::Run => format!("Tổng hợp tháng {}", t.month.vi()),
            Action::Send => format!("Gửi thư đang chờ của tháng {}", t.month.vi()),
            Action::Template => format!("Tạo mẫu báo cáo tháng sau ({})", t.month.next().vi()),
        }
    }

    /// The command line, the program's name first.
    pub fn args(self, t: &Target) -> Vec<String> {
        let month = t.month.to_string();
        let args = match self {
            // Without `--month`: a workbook that does not say its month is taken for the
            // month before its message arrived, which is right all through the month.
            Action::Collect => vec!["collect".to_owned()],
            Action::Check => vec!["check".to_owned(), format!("{}/{month}", t.inbox)],
            Action::Run => vec!["run".to_owned(), "--month".to_owned(), month],
            Action::Send => vec!["send".to_owned(), "--month".to_owned(), month],
            Action::Template => vec![
                "template".to_owned(),
                "--month".to_owned(),
                t.month.next().to_string(),
            ],
        };
        std::iter::once("chibo".to_owned()).chain(args).collect()
    }

    /// What the command's exit status (SPEC §9) means, in plain words.
    pub fn result(self, status: u8, t: &Target) -> String {
        match status {
            0 => "Xong, không có lỗi.".to_owned(),
            1 => match self {
                Action::Collect => "Đã nhận, nhưng có báo cáo có lỗi dữ liệu hoặc tệp đính kèm bị từ chối (xem các dòng ở trên); đơn vị đã được gửi biên nhận nêu lỗi.".to_owned(),
                Action::Check => "Có lỗi dữ liệu trong báo cáo (các dòng «error» ở trên, mỗi dòng chỉ rõ tệp và ô); hãy gửi lại cho đơn vị để sửa.".to_owned(),
                Action::Run => format!(
                    "Đã tổng hợp, nhưng có lỗi dữ liệu: xem các dòng «error» ở trên và trang «Lỗi dữ liệu» của tong-hop-{}.xlsx.",
                    t.month
                ),
                Action::Send | Action::Template => {
                    "Có lỗi dữ liệu: xem các dòng «error» ở trên.".to_owned()
                }
            },
            2 => "Chưa làm được: cấu hình hoặc dữ liệu của không gian làm việc cần sửa (xem thông báo ở trên). Sửa xong hãy chọn lại.".to_owned(),
            3 => match self {
                Action::Collect => "Chưa xong: không đọc, ghi được tệp, không vào được hộp thư hoặc chưa gửi được biên nhận (xem thông báo ở trên). Biên nhận chưa gửi vẫn chờ trong hộp thư đi; hãy thử lại sau.".to_owned(),
                Action::Run | Action::Send => "Chưa xong: không đọc, ghi được tệp hoặc không gửi được thư (xem thông báo ở trên). Thư chưa gửi vẫn chờ trong hộp thư đi; hãy thử lại sau.".to_owned(),
                Action::Check | Action::Template => "Chưa xong: không đọc hoặc ghi được tệp (xem thông báo ở trên); hãy thử lại sau.".to_owned(),
            },
            other => format!("Lệnh kết thúc với mã {other}."),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn july() -> Target {
        Target {
            month: YearMonth::new(2020, 12).unwrap(),
            inbox: "inbox".into(),
        }
    }

    #[test]
    fn each_action_runs_its_command() {
        let lines: Vec<String> = Action::ALL
            .iter()
            .map(|a| a.args(&july()).join(" "))
            .collect();
        assert_eq!(
            lines,
            [
                "chibo collect",
                "chibo check inbox/2020-12",
                "chibo run --month 2020-12",
                "chibo send --month 2020-12",
                "chibo template --month 2021-01",
            ]
        );
        assert_eq!(
            Action::Template.label(&july()),
            "Tạo mẫu báo cáo tháng sau (01/2021)"
        );
        assert_eq!(
            Action::Check.label(&july()),
            "Kiểm tra các báo cáo đã nhận của tháng 12/2020 (inbox/2020-12)"
        );
    }

    #[test]
    fn each_status_is_said() {
        for action in Action::ALL {
            let said: Vec<String> = (0..=4).map(|s| action.result(s, &july())).collect();
            assert_eq!(said[0], "Xong, không có lỗi.");
            assert!(said[1].contains("lỗi dữ liệu"), "{}", said[1]);
            assert!(said[2].starts_with("Chưa làm được"), "{}", said[2]);
            assert!(said[3].starts_with("Chưa xong"), "{}", said[3]);
            assert_eq!(said[4], "Lệnh kết thúc với mã 4.");
        }
        assert!(
            Action::Run
                .result(1, &july())
                .contains("tong-hop-2020-12.xlsx")
        );
    }
}
