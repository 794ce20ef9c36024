//! The command line, parsed once into a typed [`Command`] and the [`Options`] every command
//! shares. [`FLAGS`] and [`COMMANDS`] are the one home of the flags' and commands' names: the
//! parser reads them, and so does `--help`.

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
    /// `identity-schemas pull`: the target's identity schemas written into the crate.
    PullSchemas,
    /// `--help`.
    Help,
}

/// The options every command shares.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Options {
    /// `--project ID`: the project of actions that name none.
    pub(crate) project: Option<String>,
    /// `--allowed-projects IDS`: the only projects the run may read or write, when given.
    pub(crate) allowed_projects: Option<String>,
    /// `--console-url URL`: the Ory console API.
    pub(crate) console_url: Option<String>,
    /// `--config PATH`: a Kratos configuration file as the target.
    pub(crate) config: Option<String>,
    /// `--schema PATH`: the Kratos configuration schema writes to that file must pass.
    pub(crate) schema: Option<String>,
    /// `--kratos-dir DIR`: Kratos's working directory here, for relative body paths.
    pub(crate) kratos_dir: Option<String>,
    /// `--path-map FROM=TO` (repeatable): where Kratos's absolute paths are here.
    pub(crate) path_maps: Vec<String>,
    /// `--target NAME` (repeatable): the flows and named actions a run is limited to.
    pub(crate) targeted: Vec<String>,
    /// `--resend-secrets` (every action) and `--resend-secrets=NAME` (these actions).
    pub(crate) resend_all: bool,
    pub(crate) resend: Vec<String>,
    /// `--deadline SECONDS`: how long a run keeps retrying.
    pub(crate) deadline: Option<u64>,
    /// `--request-timeout SECONDS`: how long one request to the console API may take.
    pub(crate) request_timeout: Option<u64>,
    /// `--no-color`.
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

/// Which flag a [`FlagSpec`] describes: what the parser does with it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Flag {
    Json,
    Markdown,
    DetailedExitcode,
    ExpectNoChanges,
    ResendSecrets,
    Yes,
    Target,
    IdentitySchema,
    Payloads,
    Flow,
    DryRun,
    KratosDir,
    PathMap,
    Project,
    AllowedProjects,
    ConsoleUrl,
    Config,
    Schema,
    Deadline,
    RequestTimeout,
    Parallelism,
    Verbose,
    NoColor,
    Help,
}

/// What follows a flag on the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Takes {
    /// Nothing: a switch.
    Nothing,
    /// A value, as the next argument or after `=`; the name is what `--help` calls it.
    Value(&'static str),
    /// A value after `=` only, or none (`--resend-secrets[=NAME]`).
    OptionalValue(&'static str),
}

/// One flag of the command line. [`FLAGS`] is the one home of the flags' names: the parser
/// recognises a flag by its entry there, checks the command against its `commands`, and
/// `--help` prints its line from it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct FlagSpec {
    /// What the parser does with it.
    pub(crate) flag: Flag,
    /// The name after `--`.
    pub(crate) long: &'static str,
    /// The letter after `-`, if it has one.
    pub(crate) short: Option<char>,
    /// Other names after `--` that mean the same.
    pub(crate) aliases: &'static [&'static str],
    /// What follows it.
    pub(crate) takes: Takes,
    /// The commands that take it; `None` for every command.
    pub(crate) commands: Option<&'static [&'static str]>,
    /// Its text in `--help`, a line of at most 72 characters each.
    pub(crate) help: &'static [&'static str],
}

impl FlagSpec {
    /// How `--help` shows it: `-y, --yes, --auto-approve`, `--target NAME`,
    /// `--resend-secrets[=NAME]`.
    pub(crate) fn shown(&self) -> String {
        let mut names: Vec<String> = self.short.map(|c| format!("-{c}")).into_iter().collect();
        names.push(format!("--{}", self.long));
        names.extend(self.aliases.iter().map(|a| format!("--{a}")));
        let value = match self.takes {
            Takes::Nothing => String::new(),
            Takes::Value(name) => format!(" {name}"),
            Takes::OptionalValue(name) => format!("[={name}]"),
        };
        format!("{}{value}", names.join(", "))
    }

    /// Whether `command` takes it.
    pub(crate) fn goes_with(&self, command: &str) -> bool {
        self.commands
            .is_none_or(|commands| commands.contains(&command))
    }
}

/// The commands that read the body templates a Kratos configuration file names by path, and so
/// take `--kratos-dir` and `--path-map`.
const READ_BODIES: &[&str] = &[
    "plan",
    "apply",
    "destroy",
    "export",
    "import",
    "identity-schemas",
];

/// Every flag there is, in the order `--help` lists them: those of some commands, then those of
/// every command.
pub(crate) const FLAGS: &[FlagSpec] = &[
    FlagSpec {
        flag: Flag::Json,
        long: "json",
        short: None,
        aliases: &[],
        takes: Takes::Nothing,
        commands: Some(&["plan", "render", "explain"]),
        help: &["print the JSON form, for programs"],
    },
    FlagSpec {
        flag: Flag::Markdown,
        long: "markdown",
        short: None,
        aliases: &[],
        takes: Takes::Nothing,
        commands: Some(&["plan"]),
        help: &["print the plan for a pull-request comment (not with --json)"],
    },
    FlagSpec {
        flag: Flag::DetailedExitcode,
        long: "detailed-exitcode",
        short: None,
        aliases: &[],
        takes: Takes::Nothing,
        commands: Some(&["plan"]),
        help: &["exit 2 when the plan has changes"],
    },
    FlagSpec {
        flag: Flag::ExpectNoChanges,
        long: "expect-no-changes",
        short: None,
        aliases: &[],
        takes: Takes::Nothing,
        commands: Some(&["plan", "apply"]),
        help: &["exit 4 when the plan has changes, and write nothing (a drift check)"],
    },
    FlagSpec {
        flag: Flag::ResendSecrets,
        long: "resend-secrets",
        short: None,
        aliases: &[],
        takes: Takes::OptionalValue("NAME"),
        commands: Some(&["plan", "apply"]),
        help: &[
            "send secrets again where Ory does not return them to compare (for",
            "rotation): of every action, or of the action NAME (repeatable)",
        ],
    },
    FlagSpec {
        flag: Flag::Yes,
        long: "yes",
        short: Some('y'),
        aliases: &["auto-approve"],
        takes: Takes::Nothing,
        commands: Some(&["apply", "destroy"]),
        help: &["write without asking; needed where there is no terminal"],
    },
    FlagSpec {
        flag: Flag::Target,
        long: "target",
        short: None,
        aliases: &[],
        takes: Takes::Value("NAME"),
        commands: Some(&["plan", "apply", "destroy", "render", "probe"]),
        help: &[
            "limit the run to a flow (login, registration, …) or a named action;",
            "may be given several times",
        ],
    },
    FlagSpec {
        flag: Flag::IdentitySchema,
        long: "identity-schema",
        short: None,
        aliases: &[],
        takes: Takes::Value("FILE"),
        commands: Some(&["plan", "apply", "render", "probe"]),
        help: &["sample traits from this identity JSON schema, for evaluating bodies"],
    },
    FlagSpec {
        flag: Flag::Payloads,
        long: "payloads",
        short: None,
        aliases: &[],
        takes: Takes::Nothing,
        commands: Some(&["render"]),
        help: &["print what each body sends, for its sample context"],
    },
    FlagSpec {
        flag: Flag::Flow,
        long: "flow",
        short: None,
        aliases: &[],
        takes: Takes::Value("F"),
        commands: Some(&["explain"]),
        help: &["only the flow F (login, registration, recovery, settings, verification)"],
    },
    FlagSpec {
        flag: Flag::DryRun,
        long: "dry-run",
        short: None,
        aliases: &[],
        takes: Takes::Nothing,
        commands: Some(&["probe"]),
        help: &["print the requests, secrets redacted, and send nothing"],
    },
    FlagSpec {
        flag: Flag::KratosDir,
        long: "kratos-dir",
        short: None,
        aliases: &[],
        takes: Takes::Value("DIR"),
        commands: Some(READ_BODIES),
        help: &[
            "with --config: Kratos's working directory on this machine, which",
            "relative `file://` body paths are read from (else",
            "ORY_ACTIONS_KRATOS_DIR; default the current directory)",
        ],
    },
    FlagSpec {
        flag: Flag::PathMap,
        long: "path-map",
        short: None,
        aliases: &[],
        takes: Takes::Value("KRATOS_PATH=LOCAL_PATH"),
        commands: Some(READ_BODIES),
        help: &[
            "with --config: the files Kratos reads under KRATOS_PATH (in its",
            "container, say) are under LOCAL_PATH here; may be given several times,",
            "the longest prefix wins (else ORY_ACTIONS_PATH_MAP, maps separated",
            "by `,`)",
        ],
    },
    FlagSpec {
        flag: Flag::Project,
        long: "project",
        short: None,
        aliases: &[],
        takes: Takes::Value("ID"),
        commands: None,
        help: &[
            "the project of actions that name none (else the stack's project, else",
            "ORY_PROJECT_ID, or ORY_PROJECT)",
        ],
    },
    FlagSpec {
        flag: Flag::AllowedProjects,
        long: "allowed-projects",
        short: None,
        aliases: &[],
        takes: Takes::Value("IDS"),
        commands: None,
        help: &[
            "the only projects the run may read or write, separated by `,` (else",
            "ORY_ACTIONS_ALLOWED_PROJECTS); a project must also be in the stack's",
            "list, if it has one; any other stops the run before its first request",
        ],
    },
    FlagSpec {
        flag: Flag::ConsoleUrl,
        long: "console-url",
        short: None,
        aliases: &[],
        takes: Takes::Value("URL"),
        commands: None,
        help: &[
            "the Ory console API, https (plain http on loopback only) (else",
            "ORY_CONSOLE_API_URL, or ORY_CONSOLE_URL; default",
            "https://api.console.ory.sh)",
        ],
    },
    FlagSpec {
        flag: Flag::Config,
        long: "config",
        short: None,
        aliases: &[],
        takes: Takes::Value("PATH"),
        commands: None,
        help: &[
            "a self-hosted Kratos configuration file (YAML or JSON) to use instead",
            "of an Ory Network project (else ORY_KRATOS_CONFIG)",
        ],
    },
    FlagSpec {
        flag: Flag::Schema,
        long: "schema",
        short: None,
        aliases: &[],
        takes: Takes::Value("PATH"),
        commands: None,
        help: &[
            "with --config: the Kratos configuration schema to validate every write",
            "against (else ORY_KRATOS_SCHEMA)",
        ],
    },
    FlagSpec {
        flag: Flag::Deadline,
        long: "deadline",
        short: None,
        aliases: &[],
        takes: Takes::Value("SECONDS"),
        commands: None,
        help: &[
            "how long to keep retrying rate limits, Ory failures and broken",
            "connections, and waiting for a rate limit to reset (default 120)",
        ],
    },
    FlagSpec {
        flag: Flag::RequestTimeout,
        long: "request-timeout",
        short: None,
        aliases: &[],
        takes: Takes::Value("SECONDS"),
        commands: None,
        help: &["how long one request to Ory may take (default 30)"],
    },
    FlagSpec {
        flag: Flag::Parallelism,
        long: "parallelism",
        short: None,
        aliases: &[],
        takes: Takes::Value("N"),
        commands: None,
        help: &[
            "how many projects are read or written at once (else",
            "ORY_ACTIONS_PARALLELISM; default 10)",
        ],
    },
    FlagSpec {
        flag: Flag::Verbose,
        long: "verbose",
        short: Some('v'),
        aliases: &[],
        takes: Takes::Nothing,
        commands: None,
        help: &[
            "a line per request to Ory (method, path, status, time) and per retry",
            "(why), on standard error; never a secret or a header value",
        ],
    },
    FlagSpec {
        flag: Flag::NoColor,
        long: "no-color",
        short: None,
        aliases: &[],
        takes: Takes::Nothing,
        commands: None,
        help: &["no colours (also NO_COLOR)"],
    },
    FlagSpec {
        flag: Flag::Help,
        long: "help",
        short: Some('h'),
        aliases: &[],
        takes: Takes::Nothing,
        commands: None,
        help: &["print this text"],
    },
];

/// One command, as `--help` lists it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct CommandSpec {
    /// The word that names it.
    pub(crate) name: &'static str,
    /// What follows the name in `--help`, broken where the line breaks.
    pub(crate) synopsis: &'static [&'static str],
    /// What it does, a line of at most 72 characters each.
    pub(crate) help: &'static [&'static str],
}

/// Every command there is, in the order `--help` lists them.
pub(crate) const COMMANDS: &[CommandSpec] = &[
    CommandSpec {
        name: "plan",
        synopsis: &[
            "[--json | --markdown] [--detailed-exitcode] [--expect-no-changes]",
            "[--resend-secrets[=NAME]]",
        ],
        help: &["show what apply would change"],
    },
    CommandSpec {
        name: "apply",
        synopsis: &["[--yes] [--expect-no-changes] [--resend-secrets[=NAME]]"],
        help: &["make the project (or file) match the stack"],
    },
    CommandSpec {
        name: "destroy",
        synopsis: &["[--yes]"],
        help: &["remove the hooks the stack owns"],
    },
    CommandSpec {
        name: "render",
        synopsis: &["[--json] [--payloads]"],
        help: &["print the hook entries, without reading or writing anything"],
    },
    CommandSpec {
        name: "explain",
        synopsis: &["[--flow F] [--json]"],
        help: &[
            "the chain of hooks Kratos will run for each flow and method once the",
            "stack is applied: which list each comes from, the phase, what never",
            "runs and why (one read; nothing is written)",
        ],
    },
    CommandSpec {
        name: "probe",
        synopsis: &["[--target NAME] [--dry-run]"],
        help: &[
            "send each declared hook's request as Kratos would (its body evaluated",
            "for the sample context, secrets read) and check each reply against",
            "what Kratos needs",
        ],
    },
    CommandSpec {
        name: "export",
        synopsis: &[],
        help: &["print `action!` code for every web hook the project (or file) has"],
    },
    CommandSpec {
        name: "import",
        synopsis: &["ID"],
        help: &[
            "print `action!` code for the hook a Terraform import ID names",
            "(project:flow:after:auth_method[:METHOD]:url,",
            "project:flow:before[:METHOD]:url)",
        ],
    },
    CommandSpec {
        name: "identity-schemas",
        synopsis: &["pull"],
        help: &[
            "write the target's identity schemas into the crate, to the files",
            "[package.metadata.ory-actions] identity-schemas names (new ones to",
            "identity/ID.schema.json), for action! to check bodies against",
        ],
    },
];

/// The entry of `FLAGS` the command line names with `arg`, if any.
fn flag_of(arg: &lexopt::Arg<'_>) -> Option<&'static FlagSpec> {
    match arg {
        lexopt::Arg::Long(name) => FLAGS
            .iter()
            .find(|f| f.long == *name || f.aliases.contains(name)),
        lexopt::Arg::Short(letter) => FLAGS.iter().find(|f| f.short == Some(*letter)),
        lexopt::Arg::Value(_) => None,
    }
}

/// Parses `args` (without the program name).
pub(crate) fn parse(args: Vec<OsString>) -> Result<Args, String> {
    use lexopt::prelude::*;
    let mut options = Options::default();
    let mut switches = Switches::default();
    let mut help = false;
    let mut given: Vec<Flag> = Vec::new();
    let mut words: Vec<String> = Vec::new();
    let mut parser = lexopt::Parser::from_args(args);
    while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
        let spec = match (flag_of(&arg), arg) {
            (_, Value(value)) => {
                let word = string(Ok(value))?;
                let takes_id = matches!(
                    words.first().map(String::as_str),
                    Some("import" | "identity-schemas")
                );
                if words.is_empty() || (takes_id && words.len() == 1) {
                    words.push(word);
                    continue;
                }
                return Err(format!("unexpected argument `{word}`"));
            }
            (Some(spec), _) => spec,
            (None, other) => return Err(other.unexpected().to_string()),
        };
        given.push(spec.flag);
        let value = match spec.takes {
            Takes::Nothing => None,
            Takes::Value(_) => Some(string(parser.value())?),
            Takes::OptionalValue(_) => {
                parser.optional_value().map(|v| string(Ok(v))).transpose()?
            }
        };
        let text = value.clone().unwrap_or_default();
        let flag = format!("--{}", spec.long);
        match spec.flag {
            Flag::Json => switches.json = true,
            Flag::Markdown => switches.markdown = true,
            Flag::DetailedExitcode => switches.detailed_exitcode = true,
            Flag::ExpectNoChanges => switches.expect_no_changes = true,
            Flag::ResendSecrets => match value {
                Some(name) => options.resend.push(name),
                None => options.resend_all = true,
            },
            Flag::Yes => switches.yes = true,
            Flag::Target => options.targeted.push(text),
            Flag::IdentitySchema => options.identity_schema = Some(text),
            Flag::Payloads => switches.payloads = true,
            Flag::Flow => switches.flow = Some(text),
            Flag::DryRun => switches.dry_run = true,
            Flag::KratosDir => options.kratos_dir = Some(text),
            Flag::PathMap => options.path_maps.push(text),
            Flag::Project => options.project = Some(text),
            Flag::AllowedProjects => options.allowed_projects = Some(text),
            Flag::ConsoleUrl => options.console_url = Some(text),
            Flag::Config => options.config = Some(text),
            Flag::Schema => options.schema = Some(text),
            Flag::Deadline => options.deadline = Some(seconds(&text, &flag)?),
            Flag::RequestTimeout => options.request_timeout = Some(seconds(&text, &flag)?),
            Flag::Parallelism => options.parallelism = Some(count(&text, &flag)?),
            Flag::Verbose => options.verbose = true,
            Flag::NoColor => options.no_color = true,
            Flag::Help => help = true,
        }
    }
    if help {
        return Ok(Args {
            command: Command::Help,
            options,
        });
    }
    let name = words.first().map(String::as_str);
    if let Some(name) = name
        && COMMANDS.iter().any(|c| c.name == name)
    {
        for spec in FLAGS {
            if given.contains(&spec.flag) && !spec.goes_with(name) {
                return Err(format!("`--{}` does not go with `{name}`", spec.long));
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
        Some("identity-schemas") => match words.get(1).map(String::as_str) {
            Some("pull") => Command::PullSchemas,
            Some(other) => {
                return Err(format!(
                    "unknown subcommand `{other}` of `identity-schemas`: expected `pull`"
                ));
            }
            None => return Err("`identity-schemas` needs a subcommand: `pull`".into()),
        },
        Some(other) => {
            return Err(format!(
                "unknown command `{other}`: expected `plan`, `apply`, `destroy`, `render`, \
                 `explain`, `probe`, `export`, `import` or `identity-schemas`"
            ));
        }
        None => return Err("no command given".into()),
    };
    Ok(Args { command, options })
}

fn seconds(text: &str, flag: &str) -> Result<u64, String> {
    match text.parse::<u64>() {
        Ok(seconds) if seconds > 0 => Ok(seconds),
        _ => Err(format!(
            "`{flag}` takes a whole number of seconds, not `{text}`"
        )),
    }
}

fn count(text: &str, flag: &str) -> Result<u64, String> {
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
