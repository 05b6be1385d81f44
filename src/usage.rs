//! clap's own words in Vietnamese. clap writes its help headings (`Usage`, `Options`),
//! its `--help` and `--version` lines and its errors in English; here the command line
//! of chibo gets Vietnamese headings and help lines, and each kind of parse
//! error is said again in Vietnamese from the error's context (the argument, the value,
//! the suggestion), so no English from clap reaches the office.

use std::io::Write;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Arg, ArgAction, Command};

/// The help page: what the command does, how to call it, its commands and options.
const TEMPLATE: &str = "{about-with-newline}\nCách dùng: {usage}\n\n{all-args}{after-help}";

/// `command` with Vietnamese help headings, `-h`/`--help` (and on the top command
/// `-V`/`--version`) said in Vietnamese, and clap's `help` subcommand left out (`chibo
/// run --help` says the same), on it and every subcommand.
#[must_use]
pub fn vietnamese(command: Command) -> Command {
    let command = command.version(env!("CARGO_PKG_VERSION")).arg(
        Arg::new("version")
            .short('V')
            .long("version")
            .action(ArgAction::Version)
            .help("In phiên bản"),
    );
    localized(command.disable_version_flag(true))
}

fn localized(command: Command) -> Command {
    command
        .help_template(TEMPLATE)
        .disable_help_flag(true)
        .disable_help_subcommand(true)
        .subcommand_help_heading("Lệnh")
        .subcommand_value_name("LỆNH")
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .help("In trợ giúp này"),
        )
        .mut_args(|arg| arg.help_heading("Tùy chọn"))
        .mut_subcommands(localized)
}

/// Parses `args` (the program's name first) into `P` with the Vietnamese command line.
/// On `--help` or `--version` the page is printed to standard output; on a mistake a
/// Vietnamese error, the usage line and where to read more go to standard error.
///
/// # Errors
/// The exit status to end with: 0 after help or version, 2 after a mistake.
pub fn parse_from<P: clap::Parser>(
    args: impl IntoIterator<Item = std::ffi::OsString>,
) -> Result<P, u8> {
    let args: Vec<std::ffi::OsString> = args.into_iter().collect();
    let mut command = vietnamese(P::command());
    let parsed = command
        .try_get_matches_from_mut(&args)
        .and_then(|matches| P::from_arg_matches(&matches));
    let e = match parsed {
        Ok(p) => return Ok(p),
        Err(e) => e,
    };
    // Printing fails only with a closed terminal, which leaves no one to tell.
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = write!(anstream::stdout(), "{}", e.render().ansi());
            Err(0)
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = write!(anstream::stderr(), "{}", e.render().ansi());
            Err(2)
        }
        _ => {
            let _ = write!(anstream::stderr(), "{}", failure(&e, &mut command, &args));
            Err(2)
        }
    }
}

/// What is printed for a parse mistake `e` in `args`: the Vietnamese error, the usage
/// line of the (sub)command the arguments name, and where to read more.
#[must_use]
pub fn failure(e: &clap::Error, command: &mut Command, args: &[std::ffi::OsString]) -> String {
    let style = anstyle::AnsiColor::Red.on_default().bold();
    let name = command.get_name().to_owned();
    let sub = args
        .iter()
        .skip(1)
        .filter_map(|a| a.to_str())
        .find_map(|a| command.get_subcommands().find(|s| s.get_name() == a))
        .map(|s| s.get_name().to_owned());
    let (shown, usage) = match sub.and_then(|s| command.find_subcommand_mut(&s).map(|c| (s, c))) {
        Some((sub, c)) => (format!("{name} {sub}"), c.render_usage().to_string()),
        None => (name, command.render_usage().to_string()),
    };
    let usage = usage.trim().trim_start_matches("Usage:").trim();
    format!(
        "{style}lỗi:{style:#} {}\n\nCách dùng: {usage}\n\nXem thêm: {shown} --help\n",
        message(e)
    )
}

/// The Vietnamese sentence for a parse mistake, from its kind and context.
#[must_use]
pub fn message(e: &clap::Error) -> String {
    let one = |kind| match e.get(kind) {
        Some(ContextValue::String(s)) => Some(s.clone()),
        Some(ContextValue::Strings(list)) => Some(list.join(", ")),
        _ => None,
    };
    let arg = one(ContextKind::InvalidArg).unwrap_or_default();
    let value = one(ContextKind::InvalidValue).unwrap_or_default();
    let hint = one(ContextKind::SuggestedSubcommand)
        .or_else(|| one(ContextKind::SuggestedArg))
        .map(|s| format!("; có phải ý là «{s}»?"))
        .unwrap_or_default();
    let arg = shown_arg(&arg);
    match e.kind() {
        ErrorKind::InvalidSubcommand => {
            let name = one(ContextKind::InvalidSubcommand).unwrap_or_default();
            format!("không có lệnh «{name}»{hint}")
        }
        ErrorKind::UnknownArgument => format!("không có tùy chọn {arg}{hint}"),
        ErrorKind::MissingRequiredArgument => format!("thiếu {arg}"),
        ErrorKind::MissingSubcommand => "thiếu lệnh (init, template, check, run hoặc send)".into(),
        ErrorKind::ArgumentConflict => match one(ContextKind::PriorArg) {
            Some(prior) if shown_arg(&prior) != arg => {
                format!("không dùng {arg} cùng với {}", shown_arg(&prior))
            }
            _ => format!("{arg} chỉ được ghi một lần"),
        },
        ErrorKind::ValueValidation => match std::error::Error::source(e) {
            // The value parsers of `cli` say what is wrong in Vietnamese already.
            Some(reason) => format!("{arg}: {reason}"),
            None => format!("giá trị «{value}» của {arg} không hợp lệ"),
        },
        ErrorKind::InvalidValue if value.is_empty() => format!("{arg} cần một giá trị"),
        ErrorKind::InvalidValue => format!("giá trị «{value}» của {arg} không hợp lệ"),
        ErrorKind::TooManyValues | ErrorKind::WrongNumberOfValues | ErrorKind::TooFewValues => {
            format!("{arg}: số giá trị không đúng")
        }
        ErrorKind::NoEquals => format!("{arg} cần dấu = trước giá trị"),
        ErrorKind::InvalidUtf8 => "dòng lệnh có ký tự không đọc được (không phải UTF-8)".into(),
        _ => "dòng lệnh không hợp lệ".into(),
    }
}

/// An argument as clap names it (`--month <MONTH>`), or a positional's value name, in
/// guillemets.
fn shown_arg(arg: &str) -> String {
    if arg.is_empty() {
        return String::new();
    }
    format!("«{arg}»")
}
