//! The reference (the module documentation at the top of `mod.rs`), the `--help` text and the
//! parser agree: every flag and environment variable one of them names is in the others, and is
//! one the parser takes or the command line reads.

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsString;
use std::sync::Mutex;

use super::args::{COMMANDS, FLAGS, Flag, FlagSpec, Takes, parse};
use super::{Io, run_with, usage_of};
use crate::stack::Stack;

/// The reference: the text of the `//!` lines that open `mod.rs`.
fn reference() -> String {
    include_str!("mod.rs")
        .lines()
        .take_while(|line| line.starts_with("//!"))
        .map(|line| line.trim_start_matches("//!"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn usage() -> String {
    usage_of("my-hooks")
}

/// The flags `text` names: `--name` and `-x`, where a `-` does not continue a word.
fn flags_in(text: &str) -> BTreeSet<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut found = BTreeSet::new();
    for i in 0..chars.len() {
        let starts = chars[i] == '-'
            && (i == 0 || !(chars[i - 1].is_ascii_alphanumeric() || chars[i - 1] == '-'));
        if !starts {
            continue;
        }
        let at = |j: usize| chars.get(j).copied().unwrap_or(' ');
        if at(i + 1) == '-' && at(i + 2).is_ascii_lowercase() {
            let name: String = chars[i + 2..]
                .iter()
                .take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || **c == '-')
                .collect();
            found.insert(format!("--{}", name.trim_end_matches('-')));
        } else if at(i + 1).is_ascii_lowercase()
            && !(at(i + 2).is_ascii_alphanumeric() || at(i + 2) == '-')
        {
            found.insert(format!("-{}", at(i + 1)));
        }
    }
    found
}

/// The environment variables `text` names: `ORY_…` names, and the names in `known`.
fn variables_in(text: &str, known: &BTreeSet<String>) -> BTreeSet<String> {
    text.split(|c: char| !(c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'))
        .filter(|word| (word.starts_with("ORY_") && word.len() > 4) || known.contains(*word))
        .map(str::to_owned)
        .collect()
}

/// Every name of a flag: `--long`, `-s` and the aliases.
fn names(spec: &FlagSpec) -> Vec<String> {
    let mut names = vec![format!("--{}", spec.long)];
    names.extend(spec.short.map(|c| format!("-{c}")));
    names.extend(spec.aliases.iter().map(|a| format!("--{a}")));
    names
}

/// Every name of every flag the parser takes.
fn parser_flags() -> BTreeSet<String> {
    FLAGS.iter().flat_map(names).collect()
}

/// The arguments that give the flag `name` of `spec` to `command`, with a value it takes.
fn giving(command: &str, spec: &FlagSpec, name: &str) -> Vec<OsString> {
    let mut args = vec![OsString::from(command)];
    if command == "import" {
        args.push("p:login:before:https://hooks.example.com/x".into());
    }
    if command == "identity-schemas" {
        args.push("pull".into());
    }
    args.push(name.into());
    if let Takes::Value(_) = spec.takes {
        args.push(
            if spec.flag == Flag::Flow {
                "login"
            } else {
                "5"
            }
            .into(),
        );
    }
    args
}

#[test]
fn every_flag_of_the_help_text_is_in_the_reference() {
    let missing: Vec<String> = flags_in(&usage())
        .difference(&flags_in(&reference()))
        .cloned()
        .collect();
    assert!(
        missing.is_empty(),
        "`--help` names flags the reference in cli/mod.rs does not: {missing:?}"
    );
}

#[test]
fn the_reference_names_every_flag_the_parser_takes_and_no_other() {
    let documented = flags_in(&reference());
    let taken = parser_flags();
    let unknown: Vec<&String> = documented.difference(&taken).collect();
    assert!(
        unknown.is_empty(),
        "the reference in cli/mod.rs names flags the parser does not take: {unknown:?}"
    );
    let undocumented: Vec<&String> = taken.difference(&documented).collect();
    assert!(
        undocumented.is_empty(),
        "the parser takes flags the reference in cli/mod.rs does not name: {undocumented:?}"
    );
    let in_help = flags_in(&usage());
    let not_in_help: Vec<&String> = taken.difference(&in_help).collect();
    assert!(
        not_in_help.is_empty(),
        "`--help` does not name: {not_in_help:?}"
    );
}

#[test]
fn every_command_takes_exactly_the_flags_of_the_list() {
    for command in COMMANDS {
        for spec in FLAGS {
            for name in names(spec) {
                let parsed = parse(giving(command.name, spec, &name));
                assert_eq!(
                    parsed.is_ok(),
                    spec.goes_with(command.name),
                    "`{} {name}`: {parsed:?}",
                    command.name
                );
            }
        }
    }
}

/// The rows of the reference's table whose header starts with `header`, as cells.
fn table(reference: &str, header: &str) -> Vec<Vec<String>> {
    let mut lines = reference.lines().map(str::trim);
    assert!(
        lines.any(|line| line.starts_with(header)),
        "the reference has no table headed `{header}`"
    );
    lines
        .skip(1)
        .take_while(|line| line.starts_with('|'))
        .map(|line| {
            line.trim_matches('|')
                .split('|')
                .map(|cell| cell.trim().to_owned())
                .collect()
        })
        .collect()
}

#[test]
fn the_reference_says_which_commands_take_each_flag() {
    let mut listed: BTreeSet<String> = BTreeSet::new();
    for row in table(&reference(), "| flag | commands |") {
        let said: Option<BTreeSet<String>> = match row[1].as_str() {
            "every command" => None,
            commands => Some(
                commands
                    .split(',')
                    .map(|c| c.trim().trim_matches('`').to_owned())
                    .collect(),
            ),
        };
        for flag in flags_in(&row[0]) {
            let spec = FLAGS
                .iter()
                .find(|spec| names(spec).contains(&flag))
                .unwrap_or_else(|| panic!("the flag table names {flag}, which the parser lacks"));
            let takes: Option<BTreeSet<String>> = spec
                .commands
                .map(|commands| commands.iter().map(|c| (*c).to_owned()).collect());
            assert_eq!(said, takes, "the commands the flag table gives {flag}");
            listed.insert(flag);
        }
    }
    assert_eq!(listed, parser_flags(), "the flags of the flag table");
}

#[test]
fn the_reference_lists_every_command() {
    let reference = reference();
    let listed: Vec<String> = table(&reference, "| command | what it does |")
        .iter()
        .map(|row| {
            let name = row[0].trim_matches('`');
            name.split(' ').next().unwrap_or(name).to_owned()
        })
        .collect();
    let commands: Vec<String> = COMMANDS.iter().map(|c| c.name.to_owned()).collect();
    assert_eq!(
        listed, commands,
        "the command table, in the order of `--help`"
    );
    for command in &commands {
        assert!(
            reference.contains(&format!("**`{command}")),
            "the reference has no paragraph on `{command}`"
        );
    }
}

#[test]
fn the_synopsis_of_each_command_names_only_flags_it_takes() {
    for command in COMMANDS {
        for flag in flags_in(&command.synopsis.join(" ")) {
            let spec = FLAGS.iter().find(|spec| names(spec).contains(&flag));
            assert!(
                spec.is_some_and(|spec| spec.goes_with(command.name)),
                "the synopsis of `{}` names {flag}, which it does not take",
                command.name
            );
        }
    }
}

/// The names of the variables a run of `args` for an empty stack asks for, with `given` set.
fn read_by(args: &[&str], given: &[(&str, &str)]) -> BTreeSet<String> {
    let asked = Mutex::new(BTreeSet::new());
    let given: BTreeMap<&str, &str> = given.iter().copied().collect();
    let env = |name: &str| {
        asked.lock().unwrap().insert(name.to_owned());
        given.get(name).map(|v| (*v).to_owned())
    };
    let (mut out, mut err) = (Vec::new(), Vec::new());
    run_with(
        Stack::new(),
        args.iter().copied(),
        &env,
        Io {
            out: &mut out,
            err: &mut err,
            confirm: None,
            // A terminal: `NO_COLOR` is read only where there could be colour.
            color: true,
        },
    );
    asked.into_inner().unwrap()
}

/// Every variable the command line reads, asked for by every command on the way to a target
/// of either kind. None of these runs goes past the settings: an empty stack names no project,
/// and the configuration file does not exist.
fn variables_read() -> BTreeSet<String> {
    let mut read = BTreeSet::new();
    for command in COMMANDS {
        let mut args = vec![command.name];
        if command.name == "import" {
            args.push("p:login:before:https://hooks.example.com/x");
        } else {
            // `import` reads the project its ID names, so it would reach the network.
            read.extend(read_by(&args, &[("ORY_WORKSPACE_API_KEY", "key")]));
        }
        read.extend(read_by(
            &args,
            &[("ORY_KRATOS_CONFIG", "/nonexistent/ory-actions/kratos.yaml")],
        ));
    }
    read
}

#[test]
fn the_reference_and_the_help_text_name_every_variable_the_command_line_reads() {
    let read = variables_read();
    assert!(
        read.contains("ORY_WORKSPACE_API_KEY") && read.contains("NO_COLOR"),
        "the runs went past the settings, or not as far: {read:?}"
    );
    let documented = variables_in(&reference(), &read);
    assert_eq!(
        documented, read,
        "the variables the reference in cli/mod.rs names, and those the command line reads"
    );
    let in_help = variables_in(&usage(), &read);
    assert_eq!(
        in_help, read,
        "the variables `--help` names, and those the command line reads"
    );
}

#[test]
fn the_help_text_fits_in_94_columns() {
    for line in usage().lines() {
        assert!(line.chars().count() <= 94, "too wide: {line:?}");
    }
}

#[test]
fn the_scanners_find_what_they_look_for() {
    assert_eq!(
        flags_in("`-v`, `--verbose`, [--resend-secrets[=NAME]], pre-persist, x-www, |---|, -> "),
        ["--resend-secrets", "--verbose", "-v"]
            .map(String::from)
            .into()
    );
    let known = BTreeSet::from(["NO_COLOR".to_owned()]);
    assert_eq!(
        variables_in(
            "`ORY_PROJECT_ID` or NO_COLOR, not the `ORY_` prefix or WEBHOOK_1",
            &known
        ),
        ["NO_COLOR", "ORY_PROJECT_ID"].map(String::from).into()
    );
}
