//! The command line, parsed once into a typed [`Command`] and the [`Options`] every command
//! shares.

use std::ffi::OsString;

use ory_actions_core::Flow;
use ory_actions_core::scope::one_of;
use ory_actions_core::suggest::did_you_mean;

/// How `plan` prints.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum PlanFormat {
    /// For people, with colour on a terminal.
    #[default]
    Text,
    /// The stable JSON form (`--json`).
    Json,
    /// For a pull-request comment (`--markdown`).
    Markdown,
}

/// What the command line asked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Command {
    /// `plan`: show what `apply` would change.
    Plan {
        format: PlanFormat,
        detailed_exitcode: bool,
        expect_no_changes: bool,
    },
    /// `apply`: make the backend match the stack.
    Apply { yes: bool, expect_no_changes: bool },
    /// `destroy`: remove the hooks the stack owns.
    Destroy { yes: bool },
    /// `render`: the hook entries (or, with `--payloads`, what their bodies send), without
    /// contacting anything.
    Render { json: bool, payloads: bool },
    /// `export`: `action!` code for every web hook of the backend.
    Export,
    /// `import ID`: `action!` code for the hook a Terraform import ID names.
    Import { id: String },
    /// `probe`: each declared hook's request sent as Kratos sends it, the reply checked.
    Probe {
        dry_run: bool,
        /// `--target NAME`: the flows and named actions to probe; all when empty.
        targeted: Vec<String>,
    },
    /// `explain`: the chain of hooks Kratos runs per flow and method once the stack is applied.
    Explain {
        json: bool,
        /// `--flow F`: one flow only.
        flow: Option<Flow>,
    },
    /// `--help`.
    Help,
}

/// The options every command shares.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Options {
    pub(crate) project: Option<String>,
    pub(crate) console_url: Option<String>,
    pub(crate) config: Option<String>,
    pub(crate) schema: Option<String>,
    /// `--kratos-dir DIR`: Kratos's working directory here, for relative body paths.
    pub(crate) kratos_dir: Option<String>,
    /// `--path-map FROM=TO` (repeatable): where Kratos's absolute paths are here.
    pub(crate) path_maps: Vec<String>,
    pub(crate) targeted: Vec<String>,
    /// `--resend-secrets` (every action) and `--resend-secrets=NAME` (these actions).
    pub(crate) resend_all: bool,
    pub(crate) resend: Vec<String>,
    pub(crate) deadline: Option<u64>,
    pub(crate) request_timeout: Option<u64>,
    pub(crate) no_color: bool,
    /// `--parallelism N`: how many backends (projects) at once.
    pub(crate) parallelism: Option<u64>,
    /// `-v`, `--verbose`: a line per request to Ory and per retry, on standard error.
    pub(crate) verbose: bool,
    /// `--identity-schema FILE`: sample traits from this identity JSON schema.
    pub(crate) identity_schema: Option<String>,
}

/// A parsed command line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Args {
    pub(crate) command: Command,
    pub(crate) options: Options,
}

/// The flags that belong to some commands only, as given.
#[derive(Default)]
struct Switches {
    json: bool,
    markdown: bool,
    detailed_exitcode: bool,
    expect_no_changes: bool,
    yes: bool,
    payloads: bool,
    flow: Option<String>,
    dry_run: bool,
}

/// Parses `args` (without the program name).
pub(crate) fn parse(args: Vec<OsString>) -> Result<Args, String> {
    use lexopt::prelude::*;
    let mut options = Options::default();
    let mut switches = Switches::default();
    let mut help = false;
    let mut words: Vec<String> = Vec::new();
    let mut parser = lexopt::Parser::from_args(args);
    while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
        match arg {
            Long("json") => switches.json = true,
            Long("markdown") => switches.markdown = true,
            Long("payloads") => switches.payloads = true,
            Long("dry-run") => switches.dry_run = true,
            Long("flow") => switches.flow = Some(string(parser.value())?),
            Long("identity-schema") => options.identity_schema = Some(string(parser.value())?),
            Long("detailed-exitcode") => switches.detailed_exitcode = true,
            Long("expect-no-changes") => switches.expect_no_changes = true,
            Long("yes") | Short('y') | Long("auto-approve") => switches.yes = true,
            Long("project") => options.project = Some(string(parser.value())?),
            Long("console-url") => options.console_url = Some(string(parser.value())?),
            Long("config") => options.config = Some(string(parser.value())?),
            Long("schema") => options.schema = Some(string(parser.value())?),
            Long("kratos-dir") => options.kratos_dir = Some(string(parser.value())?),
            Long("path-map") => options.path_maps.push(string(parser.value())?),
            Long("target") => options.targeted.push(string(parser.value())?),
            Long("resend-secrets") => match parser.optional_value() {
                Some(name) => options.resend.push(string(Ok(name))?),
                None => options.resend_all = true,
            },
            Long("deadline") => options.deadline = Some(seconds(parser.value(), "--deadline")?),
            Long("request-timeout") => {
                options.request_timeout = Some(seconds(parser.value(), "--request-timeout")?);
            }
            Long("no-color") => options.no_color = true,
            Long("verbose") | Short('v') => options.verbose = true,
            Long("parallelism") => {
                options.parallelism = Some(count(parser.value(), "--parallelism")?);
            }
            Long("help") | Short('h') => help = true,
            Value(value) => {
                let word = string(Ok(value))?;
                let takes_id = words.first().map(String::as_str) == Some("import");
                if words.is_empty() || (takes_id && words.len() == 1) {
                    words.push(word);
                } else {
                    return Err(format!("unexpected argument `{word}`"));
                }
            }
            other => return Err(other.unexpected().to_string()),
        }
    }
    if help {
        return Ok(Args {
            command: Command::Help,
            options,
        });
    }
    let name = words.first().map(String::as_str);
    let allowed: &[&str] = match name {
        Some("plan") => &[
            "json",
            "markdown",
            "detailed-exitcode",
            "expect-no-changes",
            "target",
            "resend-secrets",
            "identity-schema",
            "kratos-dir",
            "path-map",
        ],
        Some("apply") => &[
            "yes",
            "expect-no-changes",
            "target",
            "resend-secrets",
            "identity-schema",
            "kratos-dir",
            "path-map",
        ],
        Some("destroy") => &["yes", "target", "kratos-dir", "path-map"],
        Some("render") => &["json", "target", "payloads", "identity-schema"],
        Some("export" | "import") => &["kratos-dir", "path-map"],
        Some("explain") => &["json", "flow"],
        Some("probe") => &["target", "dry-run", "identity-schema"],
        _ => &[],
    };
    let given = [
        ("json", switches.json),
        ("markdown", switches.markdown),
        ("detailed-exitcode", switches.detailed_exitcode),
        ("expect-no-changes", switches.expect_no_changes),
        ("yes", switches.yes),
        ("payloads", switches.payloads),
        ("flow", switches.flow.is_some()),
        ("dry-run", switches.dry_run),
        ("identity-schema", options.identity_schema.is_some()),
        ("target", !options.targeted.is_empty()),
        (
            "resend-secrets",
            options.resend_all || !options.resend.is_empty(),
        ),
        ("kratos-dir", options.kratos_dir.is_some()),
        ("path-map", !options.path_maps.is_empty()),
    ];
    if let Some(name) = name
        && COMMANDS.contains(&name)
    {
        for (flag, set) in given {
            if set && !allowed.contains(&flag) {
                return Err(format!("`--{flag}` does not go with `{name}`"));
            }
        }
    }
    let command = match name {
        Some("plan") => Command::Plan {
            format: match (switches.json, switches.markdown) {
                (true, true) => return Err("`--json` and `--markdown` exclude each other".into()),
                (true, false) => PlanFormat::Json,
                (false, true) => PlanFormat::Markdown,
                (false, false) => PlanFormat::Text,
            },
            detailed_exitcode: switches.detailed_exitcode,
            expect_no_changes: switches.expect_no_changes,
        },
        Some("apply") => Command::Apply {
            yes: switches.yes,
            expect_no_changes: switches.expect_no_changes,
        },
        Some("destroy") => Command::Destroy { yes: switches.yes },
        Some("render") => Command::Render {
            json: switches.json,
            payloads: switches.payloads,
        },
        Some("export") => Command::Export,
        Some("probe") => Command::Probe {
            dry_run: switches.dry_run,
            targeted: options.targeted.clone(),
        },
        Some("explain") => Command::Explain {
            json: switches.json,
            flow: match &switches.flow {
                None => None,
                Some(name) => Some(Flow::from_name(name).ok_or_else(|| {
                    let near = did_you_mean(name, Flow::names())
                        .map(|n| format!("; did you mean `{n}`?"))
                        .unwrap_or_default();
                    format!(
                        "unknown flow `{name}` for `--flow`: expected {}{near}",
                        one_of(Flow::names())
                    )
                })?),
            },
        },
        Some("import") => match words.get(1) {
            Some(id) => Command::Import { id: id.clone() },
            None => {
                return Err("`import` needs an import ID, such as \
                            `PROJECT:registration:after:password:https://api.example.com/hook`"
                    .into());
            }
        },
        Some(other) => {
            return Err(format!(
                "unknown command `{other}`: expected `plan`, `apply`, `destroy`, `render`, \
                 `explain`, `probe`, `export` or `import`"
            ));
        }
        None => return Err("no command given".into()),
    };
    Ok(Args { command, options })
}

/// The commands there are.
const COMMANDS: [&str; 8] = [
    "plan", "apply", "destroy", "render", "explain", "probe", "export", "import",
];

fn seconds(value: Result<OsString, lexopt::Error>, flag: &str) -> Result<u64, String> {
    let text = string(value)?;
    match text.parse::<u64>() {
        Ok(seconds) if seconds > 0 => Ok(seconds),
        _ => Err(format!(
            "`{flag}` takes a whole number of seconds, not `{text}`"
        )),
    }
}

fn count(value: Result<OsString, lexopt::Error>, flag: &str) -> Result<u64, String> {
    let text = string(value)?;
    match text.parse::<u64>() {
        Ok(count) if count > 0 => Ok(count),
        _ => Err(format!(
            "`{flag}` takes a whole number above 0, not `{text}`"
        )),
    }
}

fn string(value: Result<OsString, lexopt::Error>) -> Result<String, String> {
    value
        .map_err(|e| e.to_string())?
        .into_string()
        .map_err(|v| format!("`{}` is not valid UTF-8", v.to_string_lossy()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_words(args: &[&str]) -> Result<Args, String> {
        parse(args.iter().map(OsString::from).collect())
    }

    #[test]
    fn parallelism_and_verbose_are_options_of_every_command() {
        let args = parse_words(&["apply", "--parallelism", "4", "-v"]).unwrap();
        assert_eq!(args.options.parallelism, Some(4));
        assert!(args.options.verbose);
        assert!(
            parse_words(&["plan", "--parallelism", "0"])
                .unwrap_err()
                .contains("`--parallelism` takes a whole number above 0, not `0`")
        );
    }

    #[test]
    fn flags_belong_to_their_commands() {
        let args =
            parse_words(&["plan", "--json", "--detailed-exitcode", "--project", "p"]).unwrap();
        assert_eq!(
            args.command,
            Command::Plan {
                format: PlanFormat::Json,
                detailed_exitcode: true,
                expect_no_changes: false
            }
        );
        assert_eq!(args.options.project.as_deref(), Some("p"));
        assert_eq!(
            parse_words(&["apply", "-y"]).unwrap().command,
            Command::Apply {
                yes: true,
                expect_no_changes: false
            }
        );
        assert_eq!(
            parse_words(&["apply", "--json"]).unwrap_err(),
            "`--json` does not go with `apply`"
        );
        assert!(
            parse_words(&["plan", "--frobnicate"])
                .unwrap_err()
                .contains("--frobnicate")
        );
        assert!(
            parse_words(&["plan", "extra"])
                .unwrap_err()
                .contains("extra")
        );
        assert_eq!(
            parse_words(&["import", "p:login:before:https://x"])
                .unwrap()
                .command,
            Command::Import {
                id: "p:login:before:https://x".into()
            }
        );
        assert!(
            parse_words(&["import"])
                .unwrap_err()
                .contains("needs an import ID")
        );
        assert!(
            parse_words(&["frob"])
                .unwrap_err()
                .contains("unknown command `frob`")
        );
        assert_eq!(parse_words(&["plan", "-h"]).unwrap().command, Command::Help);
        let resend = parse_words(&[
            "apply",
            "--resend-secrets=welcome",
            "--resend-secrets=audit",
        ])
        .unwrap()
        .options;
        assert_eq!(
            (resend.resend_all, resend.resend),
            (false, vec!["welcome".into(), "audit".into()])
        );
        assert!(
            parse_words(&["apply", "--resend-secrets"])
                .unwrap()
                .options
                .resend_all
        );
        assert_eq!(
            parse_words(&["destroy", "--resend-secrets"]).unwrap_err(),
            "`--resend-secrets` does not go with `destroy`"
        );
        let paths = parse_words(&[
            "export",
            "--kratos-dir",
            "/srv/kratos",
            "--path-map",
            "/etc/a=./a",
            "--path-map=/etc/b=./b",
        ])
        .unwrap()
        .options;
        assert_eq!(paths.kratos_dir.as_deref(), Some("/srv/kratos"));
        assert_eq!(paths.path_maps, ["/etc/a=./a", "/etc/b=./b"]);
        assert_eq!(
            parse_words(&["render", "--path-map", "/a=b"]).unwrap_err(),
            "`--path-map` does not go with `render`"
        );
    }
}
