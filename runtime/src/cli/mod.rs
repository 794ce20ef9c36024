//! The command line of a program that declares a [`Stack`]: `plan`, `apply`, `destroy`,
//! `render`, `explain`, `probe`, `export` and `import`. This page is its reference: every
//! command, flag, environment variable, exit code and JSON form.
//!
//! ```no_run
//! use ory_actions::{Stack, cli};
//!
//! fn main() -> std::process::ExitCode {
//!     cli::run(Stack::new())
//! }
//! ```
//!
//! The program then takes a command and flags: `my-hooks plan`, `my-hooks apply --yes`.
//! `my-hooks --help` prints a summary of this page. To give the command line defaults of your
//! own, build the arguments and call [`run_args`]. To run it with an environment and streams of
//! your own (in a test, say), call [`run_with`].
//!
//! **On this page:** [targets](#targets) · [commands](#commands) · [flags](#flags) ·
//! [environment variables](#environment-variables) · [exit codes](#exit-codes) ·
//! [where output goes](#where-output-goes) · [JSON forms](#json-forms) ·
//! [`format_version`](#format_version-what-programs-may-rely-on)
//!
//! # Targets
//!
//! Every command but `render` works on *targets*: Ory Network projects, or one self-hosted Kratos
//! configuration file.
//!
//! - **Ory Network projects**, through the Ory console API. The workspace API key comes from
//!   `ORY_WORKSPACE_API_KEY`. An action goes to its own `project_id`; an action without one goes
//!   to `--project`, else to the stack's project ([`Stack::project`]), else to
//!   `ORY_PROJECT_ID` (or `ORY_PROJECT`). Each project the actions name is a target of its own.
//! - **A Kratos configuration file**, YAML or JSON, named by `--config PATH` (or
//!   `ORY_KRATOS_CONFIG`). Every action goes there. No key is needed and nothing goes over the
//!   network. `--project` and `--console-url` are refused with it.
//!
//! Before anything is read, written or shown, every command checks the values the program
//! computed (URLs, names, bodies given as expressions). A problem is an `error:` line naming
//! the `action!`, and exit 1.
//!
//! # Commands
//!
//! | command | what it does | what it contacts | exit codes |
//! |---|---|---|---|
//! | `plan` | shows what `apply` would change | each target, one read; writes nothing | 0, 1, 2, 4 |
//! | `apply` | plans, asks, then makes each target match the stack | each target: one read, then one write where something changes | 0, 1, 3, 4 |
//! | `destroy` | plans the removal of the hooks the stack owns, asks, then removes them | as `apply` | 0, 1, 3 |
//! | `render` | prints each hook entry and its list, secrets redacted; with `--payloads`, what each body sends | nothing; needs no key | 0, 1 |
//! | `explain` | prints the chain of hooks Kratos runs for each flow and method once the stack is applied | each target, one read; writes nothing | 0, 1 |
//! | `probe` | sends each declared hook's request as Kratos would and checks the reply | the hooks' own URLs, never Ory; nothing with `--dry-run` | 0, 1 |
//! | `export` | prints `action!` code for every web hook of each target | each target, one read; writes nothing | 0, 1 |
//! | `import ID` | prints `action!` code for the web hook a Terraform import ID names | the project the ID names (or the `--config` file), one read | 0, 1 |
//! | `identity-schemas pull` | writes each target's identity schemas to the files `[package.metadata.ory-actions] identity-schemas` names (a new one to `identity/ID.schema.json`, with the `Cargo.toml` lines to add) | each target, one read (and the schemas a project links to); writes only those files | 0, 1 |
//!
//! Reading a project is one `GET` of it. `plan`, `apply`, `destroy`, `export` and `import` also
//! read the bodies it keeps at links (over `https`, or `http` on loopback). In a configuration
//! file, the same commands read the body templates it names by path (see `--kratos-dir`).
//!
//! **`plan`** prints, per target, each hook to create (`+`), update (`~`, field by field) or
//! delete (`-`), the web hooks the stack does not manage (left alone), and warnings. A summary
//! line ends it: `Plan: 1 to create, 0 to update, 0 to delete.`, or `No changes. The hooks match
//! the stack (4 unchanged).` A target that cannot be planned gets an `error:` line. The others
//! are still shown, the summary starts with `Plan incomplete:`, and the exit code is 1.
//!
//! **`apply`** plans as `plan` does and prints the plan. With nothing to change, it stops there
//! (exit 0). Otherwise it asks, when standard input and output are a terminal: ``Do you want to
//! apply these changes? Only `yes` is accepted:``. Any other answer writes nothing and prints
//! `Nothing was changed.` (exit 0). Without a terminal, it needs `--yes`, or it stops before
//! writing (exit 1). Each target with changes gets one write, then a line such as `Applied:
//! project …: 1 created, 0 updated, 0 deleted (revision … -> …).` If someone else wrote the
//! target since it was read, the run reads and plans again. It writes again only if the new plan
//! makes the same changes, 16 writes at most; otherwise it stops with exit 3, and nothing of the
//! run was written to that target. After a write, the run plans against what the target returned:
//! anything left to change fails the run (exit 1), naming what Ory dropped or kept.
//!
//! **`destroy`** is `apply` for removal. It removes the hooks the stack owns: the declared ones,
//! and the undeclared web hooks its prune policy ([`Prune`](crate::Prune)) owns. Nothing else
//! is touched.
//!
//! **`render`** prints, per action, a `# …` line naming it, then for each list it goes into the
//! list's JSON pointer and the entry as Ory Network stores it. With `--payloads`, it evaluates each body as Kratos does,
//! for a sample context of each list and phase, and prints the result; a body that fails is
//! exit 1. A body Kratos fetches or reads itself (`url("…")`, `kratos_file("…")`) is not
//! evaluated. The sample traits come from `--identity-schema`, or from [`Stack::samples`].
//!
//! **`explain`** reads each target, applies the stack to what it read (in memory), and prints
//! for every flow and method the chain Kratos runs: which list each hook comes from, the phase,
//! the hooks Kratos does not wait for, and every entry that never runs, with why. `--flow F`
//! keeps one flow. Nothing is written.
//!
//! **`probe`** sends each declared hook's request as Kratos sends it: method, URL, headers,
//! auth with the secrets read, the body evaluated for the sample context of each list. It follows
//! Kratos's transport rules: 30 s per try, two retries on connection errors, 429 and 5xx (but
//! 501), replies read up to 5 MiB. Eight hooks are probed at once. One line per hook: `ok`,
//! `FAIL`, or `skip` (a body that cancels the call, or one Kratos reads itself). Any `FAIL` is
//! exit 1. `--target` keeps flows or named actions; `--dry-run` prints the requests, secrets
//! redacted, and sends nothing. `probe` reads nothing from Ory, but it needs a target's settings
//! all the same (the key and a project, or `--config`): the target's platform says which lists
//! exist.
//!
//! **`export`** reads each target and prints a Rust module per target, with
//! `pub fn actions() -> Vec<Action>` and one `action!` per web hook. Secrets never appear: each
//! becomes an `env("WEBHOOK_1_…")` placeholder (`WEBHOOK_P1_1_…`, `WEBHOOK_P2_1_…` with several
//! targets), a comment at the top names them, and a note on standard error counts them. A body
//! kept at a link or in a file is read and exported as text; one that cannot be read here stays
//! a `url("…")` or `kratos_file("…")` reference, with a comment saying why.
//!
//! **`import ID`** takes an import ID of the Terraform provider and prints the `action!` of the
//! web hook it names. The forms are `project:flow:after:auth_method:url`,
//! `project:flow:after:auth_method:METHOD:url`, `project:flow:before:url` and
//! `project:flow:before:METHOD:url`; the URL may hold colons. With `--config`, the project part is
//! ignored. When nothing matches, the error lists the web hooks in that list.
//!
//! **`identity-schemas pull`** reads the identity schemas each target lists (`identity.schemas`:
//! a `base64://` URL decoded, a project's `https://` link fetched, a configuration file's
//! `file://` path read where Kratos reads it, with `--kratos-dir` and `--path-map`) and writes each
//! to the file the crate declares for its id in `[package.metadata.ory-actions]
//! identity-schemas` (the entry's `id`, or the file's name without `.schema.json`). A schema the
//! crate does not declare goes to `identity/ID.schema.json`, and the lines to add to `Cargo.toml`
//! are printed. A file that already holds the schema is left as it is. A schema that cannot be
//! read (Ory Network keeps custom schemas outside the configuration; a file's `https://` schema
//! is not fetched) is named on standard error, and the exit code is 1. Build again afterwards:
//! `action!` checks the bodies against the files.
//!
//! # Flags
//!
//! A flag's value follows it (`--target login`) or an `=` (`--target=login`).
//! `--resend-secrets=NAME` takes only the `=` form. A flag that a command does not take is an
//! error (`` `--json` does not go with `apply` ``), and so is an unknown one: both print the
//! `--help` text on standard error, and exit 1. A flag of every command is accepted by all of
//! them; a command that has no use for it ignores it.
//!
//! | flag | commands | what it does |
//! |---|---|---|
//! | `--json` | `plan`, `render`, `explain` | prints the [JSON form](#json-forms), for programs |
//! | `--markdown` | `plan` | prints the plan for a pull-request comment: a `### ory-actions plan` heading, the summary in bold, then the plan in a `diff` block inside `<details>`. Not with `--json` |
//! | `--detailed-exitcode` | `plan` | exits 2 when the plan has changes |
//! | `--expect-no-changes` | `plan`, `apply` | exits 4 when the plan has changes, and writes nothing: a drift check for CI |
//! | `--resend-secrets`, `--resend-secrets=NAME` | `plan`, `apply` | sends secrets again where Ory Network does not return them to compare, to rotate them: of every action, or of the action named `NAME` (repeatable). `plan` shows what would be sent |
//! | `-y`, `--yes`, `--auto-approve` | `apply`, `destroy` | writes without asking; needed where there is no terminal |
//! | `--target NAME` | `plan`, `apply`, `destroy`, `render`, `probe` | limits the run to the hook lists of a flow (`--target login`) or of the actions named `NAME`. Repeatable. Nothing else is planned or written, the prune policy included |
//! | `--identity-schema FILE` | `plan`, `apply`, `render`, `probe` | takes the sample traits that bodies are evaluated with from this identity JSON schema |
//! | `--payloads` | `render` | prints what each body sends for its sample context, instead of the entries |
//! | `--flow F` | `explain` | keeps the flow `F`: `login`, `registration`, `recovery`, `settings` or `verification` |
//! | `--dry-run` | `probe` | prints the requests, secrets redacted, and sends nothing |
//! | `--kratos-dir DIR` | `plan`, `apply`, `destroy`, `export`, `import`, `identity-schemas` | with `--config`: Kratos's working directory on this machine, from which relative `file://` body paths are read. Default: `ORY_ACTIONS_KRATOS_DIR`, else the current directory |
//! | `--path-map KRATOS_PATH=LOCAL_PATH` | `plan`, `apply`, `destroy`, `export`, `import`, `identity-schemas` | with `--config`: the files Kratos reads under `KRATOS_PATH` (in its container, say) are under `LOCAL_PATH` here. Repeatable; the longest matching prefix wins. Default: the maps of `ORY_ACTIONS_PATH_MAP` |
//! | `--project ID` | every command | the project of the actions that name none. Default: the stack's project, else `ORY_PROJECT_ID`, else `ORY_PROJECT` |
//! | `--allowed-projects IDS` | every command | the only Ory Network projects the run may read or write, separated by `,`; a project named anywhere else (an action, `--project`, the stack, the environment, an import ID) stops the run before its first request. Default: `ORY_ACTIONS_ALLOWED_PROJECTS`. [`Stack::allowed_projects`] is a list of its own: a project must be in each list given |
//! | `--console-url URL` | every command | the Ory console API. It must be `https` (the key goes with every request); plain `http` only on a loopback address. Redirects are not followed. Default: `ORY_CONSOLE_API_URL`, else `ORY_CONSOLE_URL`, else `https://api.console.ory.sh` |
//! | `--config PATH` | every command | a Kratos configuration file as the target, instead of Ory Network projects: JSON when its name ends in `.json`, else YAML. Default: `ORY_KRATOS_CONFIG` |
//! | `--schema PATH` | every command | with `--config`: Kratos's configuration schema (`config.schema.json`); every write is validated against it first. Needs the crate feature `schema` (on by default). Default: `ORY_KRATOS_SCHEMA` |
//! | `--deadline SECONDS` | every command | how long the run keeps retrying rate limits (429), Ory's failures (5xx), timeouts and broken connections, and waiting for Ory's rate limit to reset, over the whole run; a rate limit that resets after it is not waited for. Default: 120 |
//! | `--request-timeout SECONDS` | every command | how long one request to the console API may take. Default: 30 |
//! | `--parallelism N` | every command | how many targets `plan`, `apply` and `destroy` read or write at once. Default: `ORY_ACTIONS_PARALLELISM`, else 10 |
//! | `-v`, `--verbose` | every command | a line per request to Ory (method, path, status, time), per retry (why, and how long it waits) and per wait for Ory's rate limit to reset (how long), on standard error as it happens. Never a secret or a header value |
//! | `--no-color` | every command | no colour in plans and in `apply`'s results. Default: colour when standard output is a terminal, unless `NO_COLOR` is set |
//! | `-h`, `--help` | every command | prints a summary of this page on standard output and exits 0, with any command or none |
//!
//! `SECONDS` and `N` are whole numbers above 0.
//!
//! # Environment variables
//!
//! A flag wins over its variable. A variable that is empty counts as unset, and so does one of
//! only spaces (but for `NO_COLOR`).
//! `ORY_WORKSPACE_API_KEY`, `ORY_PROJECT_ID`, `ORY_PROJECT`, `ORY_CONSOLE_API_URL` and
//! `ORY_CONSOLE_URL` are the names Ory's own tools use; the other `ORY_` names are ory-actions'
//! own.
//!
//! | variable | what it holds | flag |
//! |---|---|---|
//! | `ORY_WORKSPACE_API_KEY` | the workspace API key (Ory Console: Workspace settings → API keys), sent as a bearer token. Needed for projects, not with `--config` | none: never on the command line |
//! | `ORY_PROJECT_ID` | the project of actions that name none, when the stack names none either | `--project` |
//! | `ORY_PROJECT` | the same, when `ORY_PROJECT_ID` is unset | `--project` |
//! | `ORY_ACTIONS_ALLOWED_PROJECTS` | the only projects the run may read or write, separated by `,` (ory-actions' own) | `--allowed-projects` |
//! | `ORY_CONSOLE_API_URL` | the console API | `--console-url` |
//! | `ORY_CONSOLE_URL` | the same, when `ORY_CONSOLE_API_URL` is unset | `--console-url` |
//! | `ORY_KRATOS_CONFIG` | a Kratos configuration file as the target | `--config` |
//! | `ORY_KRATOS_SCHEMA` | Kratos's configuration schema | `--schema` |
//! | `ORY_ACTIONS_KRATOS_DIR` | Kratos's working directory on this machine | `--kratos-dir` |
//! | `ORY_ACTIONS_PATH_MAP` | path maps separated by `,`: `/etc/config/kratos=./kratos,/srv/templates=./templates`. Any `--path-map` replaces all of them | `--path-map` |
//! | `ORY_ACTIONS_PARALLELISM` | how many targets at once | `--parallelism` |
//! | `NO_COLOR` | no colour, when set to anything but the empty string | `--no-color` |
//!
//! `ORY_KRATOS_SCHEMA`, `ORY_ACTIONS_KRATOS_DIR` and `ORY_ACTIONS_PATH_MAP` count only with a
//! configuration file; without one they are ignored (their flags are an error).
//!
//! The variables the stack names itself are read from the process's environment, whatever
//! [`run_with`] is given: secrets given as `env("…")`, a `project_id: env("…")`, and
//! [`Stack::project_from_env`].
//!
//! # Exit codes
//!
//! | code | constant | meaning | commands |
//! |---|---|---|---|
//! | 0 | [`EXIT_OK`] | success. For `apply` and `destroy` also: nothing to change, or an answer other than `yes` | every command |
//! | 1 | [`EXIT_ERROR`] | an error: the command line, a computed value, a target that could not be read, planned or written, a body that fails (`render --payloads`), a hook that fails (`probe`) | every command |
//! | 2 | [`EXIT_CHANGES`] | the plan has changes, with `--detailed-exitcode` | `plan` |
//! | 3 | [`EXIT_CONFLICT`] | someone else kept writing a target; nothing of this run was written there. Run `plan` again | `apply`, `destroy` |
//! | 4 | [`EXIT_DRIFT`] | the plan has changes, with `--expect-no-changes`; nothing was written | `plan`, `apply` |
//!
//! When targets fail in different ways, the highest code wins. A target that could not be planned
//! makes the exit code 1, whatever the others' plans hold: `--detailed-exitcode` and
//! `--expect-no-changes` look at complete plans only. With both flags, changes exit 4.
//!
//! # Where output goes
//!
//! Standard output: plans, rendered entries and payloads, chains, probe lines, exported code, the
//! `--help` text, and the JSON forms. With `--json`, nothing else is printed there.
//!
//! Standard error: every `error: …` line; with several targets, a line as each finishes
//! (`[2/3] project …: planned`, `written` or `failed`); `export`'s note on placeholders; the
//! `verbose: …` lines of `-v`.
//!
//! A secret never appears in any output: `(sensitive)` stands in for it. A password in a URL
//! shows as `****`.
//!
//! # JSON forms
//!
//! Every form is pretty-printed JSON, one document per run.
//!
//! ## `plan --json`
//!
//! One object, keys in alphabetical order:
//!
//! ```json
//! {
//!   "complete": true,
//!   "errors": [],
//!   "format_version": 1,
//!   "mode": "apply",
//!   "projects": [{
//!     "changes": [{
//!       "action": "create",
//!       "auth_method": "password",
//!       "fields": [{"after": "function(ctx) { … }", "before": null, "field": "body", "sensitive": false}],
//!       "flow": "registration",
//!       "list": "/services/identity/config/selfservice/flows/registration/after/password/hooks",
//!       "method": "POST",
//!       "name": "welcome_email",
//!       "pruned": false,
//!       "timing": "after",
//!       "url": "https://api.example.com/webhooks/welcome"
//!     }],
//!     "project_id": "550e8400-…",
//!     "revision_id": "7e715100-…",
//!     "target": "project",
//!     "unmanaged": [],
//!     "warnings": []
//!   }],
//!   "summary": {"create": 1, "delete": 0, "has_changes": true, "unchanged": 0, "update": 0}
//! }
//! ```
//!
//! | field | what it holds |
//! |---|---|
//! | `format_version` | `1` ([what it promises](#format_version-what-programs-may-rely-on)) |
//! | `mode` | `"apply"`: the plan is of an `apply` |
//! | `complete` | `false` when some targets could not be planned; `errors` names them |
//! | `errors` | one `{project_id, message}` per target that could not be planned (also an `error:` line on standard error) |
//! | `projects` | one object per target that was planned, in the order the stack first names them |
//! | `projects[].project_id` | the project's id, or the configuration file's path |
//! | `projects[].target` | `"project"` or `"config_file"` |
//! | `projects[].revision_id` | the revision that was read; for a file, a hash of its content |
//! | `projects[].changes` | one object per declared hook, and per undeclared web hook the prune policy deletes |
//! | `changes[].action` | `"create"`, `"update"`, `"delete"`, or `"no-op"` for a declared hook that is already as declared |
//! | `changes[].name` | the action's name, or `null` |
//! | `changes[].flow`, `changes[].timing` | the flow (`"login"`, …) and `"before"` or `"after"` |
//! | `changes[].auth_method` | the method of a per-method `after` list (`"password"`, …), `"fallback"` for the flow-wide `after` list, `null` for a `before` list and for recovery and verification |
//! | `changes[].list` | the JSON pointer of the hook list in an Ory Network project, for a file too |
//! | `changes[].method`, `changes[].url` | the web hook's HTTP method and URL |
//! | `changes[].pruned` | `true` for an undeclared hook deleted because the prune policy owns it |
//! | `changes[].fields` | the fields that differ, as `{field, before, after, sensitive, note}` |
//! | `fields[].field` | the field as Kratos names it: `body`, `can_interrupt`, `response.ignore`, `auth.value`, `headers.X-Source`, … |
//! | `fields[].before`, `fields[].after` | the value; `null` when absent; a body as its Jsonnet text; `"(sensitive)"` for a secret; `{"unreadable": "…"}` for a body kept where it could not be read |
//! | `fields[].sensitive` | whether either side is a secret |
//! | `fields[].note` | only present on a field listed though it is not known to differ: a secret the target did not return, or one sent again |
//! | `projects[].unmanaged` | the web hooks the stack leaves alone, as `{flow, timing, auth_method, list, method, url}` |
//! | `projects[].warnings` | `{code, message}` per warning; the message is for people |
//! | `summary` | `{create, update, delete, unchanged, has_changes}`, over every planned target |
//!
//! The warning codes:
//!
//! | code | the plan warns that |
//! |---|---|
//! | `shadows_flow_wide` | the first hook of a per-method list switches the flow-wide list off for that method |
//! | `flow_wide_resumes` | a per-method list becomes empty, so the flow-wide list runs for that method again |
//! | `fallback_skipped` | hooks in a flow-wide list do not run for methods that have hooks of their own |
//! | `fallback_legacy` | on Ory Network, an action uses `auth_method: fallback`, which Ory's documentation calls legacy |
//! | `no_body` | a web hook has no body: self-hosted Kratos fails every call of it |
//! | `malformed_remote_hook` | a web hook entry of the target cannot be read; it is left untouched |
//! | `body_unreadable` | a body the target keeps at a link could not be read; the hook is written with the declared body |
//! | `not_stored` | an action sets fields Ory Network's API has no place for (`headers`, `emit_analytics_event`, `id`), so they are expected to be dropped there |
//! | `body_fails` | a declared body fails for the sample context of one of its lists |
//! | `body_cancels` | a body is `error "cancel"`, so Kratos skips the hook on every call |
//! | `index_shift` | in a configuration file, entries with a `config` move to another index, so environment variables that override an entry by its index reach another one |
//!
//! ## `render --json`
//!
//! An array with one object per hook entry, in the order of the stack's actions:
//!
//! | field | what it holds |
//! |---|---|
//! | `name` | the action's name, or `null` |
//! | `list` | the JSON pointer of the hook list in an Ory Network project |
//! | `entry` | the entry as Ory Network stores it (`{"config": {…}, "hook": "web_hook"}`, the body as a `base64://` link), secrets as `"(sensitive)"` |
//!
//! ## `render --payloads --json`
//!
//! An array with one object per action and hook list:
//!
//! | field | what it holds |
//! |---|---|
//! | `name` | the action's name, or `null` |
//! | `flow`, `timing` | the flow and `"before"` or `"after"` |
//! | `auth_method` | the method of a per-method list, else `null` (a flow-wide list too) |
//! | `list` | the JSON pointer of the hook list in an Ory Network project |
//! | `phase` | `"before"`, `"pre-persist"` or `"post-persist"`; absent when the body is not evaluated |
//! | `context` | the sample context the body was evaluated with; absent when it is not evaluated |
//! | `payload` | what the body sends; absent when it fails or cancels |
//! | `form` | `true` when the payload is sent form-encoded; absent otherwise |
//! | `cancelled` | `true` when the body raises `error "cancel"` (Kratos skips the call); absent otherwise |
//! | `no_body` | `true` when the action has no body; absent otherwise |
//! | `reference` | a body Kratos fetches or reads itself, as written; not evaluated |
//! | `error` | why the body fails: `{message, line, column, expression}`, the last three when known |
//!
//! ## `explain --json`
//!
//! An array with one object per chain:
//!
//! | field | what it holds |
//! |---|---|
//! | `flow`, `timing` | the flow and `"before"` or `"after"` |
//! | `auth_method` | the method of a per-method chain; `null` for a single list |
//! | `target` | the project's id or the file's path; only when the run has several targets |
//! | `chain` | the steps, in the order Kratos runs them, then the entries that never run |
//! | `chain[].hook` | the hook: `web_hook`, `session`, …; `verification` for Kratos's own step |
//! | `chain[].method`, `chain[].url` | a web hook's HTTP method and URL; absent for other hooks |
//! | `chain[].list`, `chain[].index` | the JSON pointer of the list in a Kratos configuration (`/selfservice/flows/login/before/hooks`) and the entry's index there; `null` for a step Kratos adds itself |
//! | `chain[].phase` | `"pre-persist"` or `"post-persist"` where the flow has two phases, else `null` |
//! | `chain[].runs` | whether Kratos runs it |
//! | `chain[].why` | why it never runs; only when `runs` is `false` |
//! | `chain[].async` | `true` for a web hook Kratos does not wait for (`response.ignore`); absent otherwise |
//! | `chain[].name` | the name of the action that declares it; absent otherwise |
//!
//! # `format_version`: what programs may rely on
//!
//! `plan --json` carries `format_version`, now `1`. It changes only when a field changes meaning
//! or goes away. A program may rely on every field of `plan --json` above, with the meaning
//! given here, for as long as `format_version` stays the same. It should check `format_version`, and ignore fields
//! it does not know: new fields may appear in any version. Warning codes are stable; their
//! messages are not.
//!
//! `render --json`, `render --payloads --json` and `explain --json` carry no version. Every change
//! to them that a program would notice is listed in the changelog, as is any change to
//! `format_version`. ory-actions is 0.x: such changes may come with a new minor version.
//!
//! The text forms (plans, `--markdown`, `error:` lines, warnings' messages) are for people and
//! may change in any version.

mod args;
mod explain;
mod export;
mod identity_schemas;
mod import;
mod json;
mod output;
mod plan;
mod probe;
mod render;
mod settings;
mod setup;
mod text;

#[cfg(test)]
mod reference_tests;

use std::ffi::OsString;
use std::future::Future;
use std::io::{self, BufRead, IsTerminal, Write};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};

use crate::error::InvalidAction;
use crate::payload::Samples;
use crate::plan::Mode;
use crate::reconcile::Reconciler;
use crate::stack::Stack;
use crate::trace::Trace;
use args::{Args, COMMANDS, Command, FLAGS, Options, PlanFormat};
use output::fail;
pub use output::{EXIT_CHANGES, EXIT_CONFLICT, EXIT_DRIFT, EXIT_ERROR, EXIT_OK, Io};
use setup::Backends;
use text::Style;

/// Runs the command line of the current process for `stack` and returns its exit code, for
/// `main` to return.
///
/// It reads the process's arguments and environment. Before `apply` and `destroy` write, it asks
/// on the terminal when standard input and output are both terminals; plans are in colour when
/// standard output is one. The [module documentation](self) lists the commands, flags and
/// variables.
///
/// It starts an async runtime of its own, so call it from synchronous code: called from inside
/// an async runtime, it fails with exit code 1 (in async code, call it in
/// `tokio::task::spawn_blocking`).
pub fn run(stack: Stack) -> ExitCode {
    run_args(stack, std::env::args_os().skip(1).collect())
}

/// [`run`] with the arguments `args` (without the program name) instead of the process's. The
/// environment, the terminal and the standard streams are still the process's.
///
/// It gives the command line defaults of your own. Here `plan` is the command when none is
/// given:
///
/// ```no_run
/// use std::ffi::OsString;
///
/// use ory_actions::{Stack, cli};
///
/// fn main() -> std::process::ExitCode {
///     let mut args: Vec<OsString> = std::env::args_os().skip(1).collect();
///     if args.is_empty() {
///         args.push("plan".into());
///     }
///     cli::run_args(Stack::new(), args)
/// }
/// ```
pub fn run_args(stack: Stack, args: Vec<OsString>) -> ExitCode {
    let stdout = io::stdout();
    let color = stdout.is_terminal();
    let mut stdin = io::stdin().lock();
    let interactive = io::stdin().is_terminal() && stdout.is_terminal();
    let mut confirm = |question: &str| -> bool {
        let mut out = io::stdout();
        let _ = write!(out, "{question}");
        let _ = out.flush();
        let mut answer = String::new();
        stdin.read_line(&mut answer).is_ok() && answer.trim() == "yes"
    };
    let code = run_inner(
        stack,
        args,
        &|name| std::env::var(name).ok(),
        Io {
            out: &mut io::stdout(),
            err: &mut io::stderr(),
            confirm: if interactive {
                Some(&mut confirm)
            } else {
                None
            },
            color,
        },
        true,
    );
    ExitCode::from(code)
}

/// Runs the command line `args` (without the program name) for `stack` with an environment and
/// streams of the caller's, and returns the exit code: for tests, and for programs that run
/// the command line inside their own.
///
/// `env` answers for every variable the command line reads for itself (the
/// [table](self#environment-variables)); the process's environment is not read for them. What
/// the stack reads itself (secrets given as `env("…")`) still comes from the process's
/// environment. `io` says where output goes, and how `apply` and `destroy` ask before writing.
/// With `-v`, the `verbose:` lines are written to `io.err` when the run ends ([`run`] writes
/// them to standard error as they happen). `ory_actions::testkit` (feature `testkit`) runs the
/// command line this way against its stand-in for Ory.
///
/// `render` contacts nothing, so it runs anywhere:
///
/// ```
/// use ory_actions::{Stack, action, cli};
///
/// let stack = Stack::new().action(action! {
///     flow: login,
///     timing: before,
///     url: "https://hooks.example.com/guard",
///     body: "function(ctx) { request_url: ctx.request_url }",
/// });
/// let (mut out, mut err) = (Vec::new(), Vec::new());
/// let io = cli::Io {
///     out: &mut out,
///     err: &mut err,
///     confirm: None,
///     color: false,
/// };
/// let code = cli::run_with(stack, ["render", "--json"], &|_| None, io);
/// assert_eq!(code, cli::EXIT_OK);
/// let rendered: serde_json::Value = serde_json::from_slice(&out).unwrap();
/// assert_eq!(
///     rendered[0]["list"],
///     "/services/identity/config/selfservice/flows/login/before/hooks"
/// );
/// ```
pub fn run_with(
    stack: Stack,
    args: impl IntoIterator<Item = impl Into<OsString>>,
    env: &dyn Fn(&str) -> Option<String>,
    io: Io<'_>,
) -> u8 {
    run_inner(stack, args, env, io, false)
}

/// [`run_with`]; `live_stderr` when `io.err` is the process's standard error, so that `-v`
/// lines go there as they happen. The one place that says which command does what.
fn run_inner(
    stack: Stack,
    args: impl IntoIterator<Item = impl Into<OsString>>,
    env: &dyn Fn(&str) -> Option<String>,
    mut io: Io<'_>,
    live_stderr: bool,
) -> u8 {
    let Args { command, options } = match args::parse(args.into_iter().map(Into::into).collect()) {
        Ok(args) => args,
        Err(problem) => {
            let _ = writeln!(io.err, "error: {problem}\n\n{}", usage());
            return EXIT_ERROR;
        }
    };
    let style =
        Style::new(io.color && !options.no_color && env("NO_COLOR").is_none_or(|v| v.is_empty()));
    // `-v`: live on the process's standard error; kept and written at the end for a caller's
    // own streams.
    let kept = Arc::new(Mutex::new(Vec::new()));
    let trace = match (options.verbose, live_stderr) {
        (false, _) => Trace::default(),
        (true, true) => Trace::stderr(),
        (true, false) => Trace::collected(Arc::clone(&kept)),
    };
    let remote = Remote {
        stack,
        options: &options,
        env,
        trace: &trace,
    };
    let code = match command {
        Command::Help => {
            let _ = write!(io.out, "{}", usage());
            EXIT_OK
        }
        Command::Render { json, payloads } => match checked(remote.stack, &options, io.err) {
            Ok(stack) if payloads => render::payloads(&stack, &options, json, io.reborrow()),
            Ok(stack) => render::render(&stack, &options, json, io.reborrow()),
            Err(code) => code,
        },
        Command::Plan {
            format,
            detailed_exitcode,
            expect_no_changes,
        } => plans(
            remote,
            plan::Job {
                mode: Mode::Apply,
                format,
                expect_no_changes,
                then: plan::Then::Show { detailed_exitcode },
            },
            style,
            &mut io,
        ),
        Command::Apply {
            yes,
            expect_no_changes,
        } => plans(
            remote,
            plan::Job {
                mode: Mode::Apply,
                format: PlanFormat::Text,
                expect_no_changes,
                then: plan::Then::Write { yes },
            },
            style,
            &mut io,
        ),
        Command::Destroy { yes } => plans(
            remote,
            plan::Job {
                mode: Mode::Destroy,
                format: PlanFormat::Text,
                expect_no_changes: false,
                then: plan::Then::Write { yes },
            },
            style,
            &mut io,
        ),
        Command::Export => remote.run(Mode::Apply, false, &mut io, |run, io| async move {
            export::run(run.reconciler.reader(), &run.backends.units, io).await
        }),
        Command::Import { id } => remote.run(Mode::Apply, true, &mut io, |run, io| async move {
            import::run(
                run.reconciler.reader(),
                &id,
                |project| run.backends.of_project(project),
                io,
            )
            .await
        }),
        Command::Probe { dry_run, targeted } => {
            remote.run(Mode::Apply, false, &mut io, move |run, io| async move {
                probe::run(&run.samples, &run.backends, &targeted, dry_run, io).await
            })
        }
        Command::PullSchemas => {
            let declared = remote
                .stack
                .get_actions()
                .iter()
                .map(crate::action::Action::identity_schemas)
                .find(|declared| !declared.files.is_empty())
                .unwrap_or_default();
            remote.run(Mode::Apply, false, &mut io, move |run, io| async move {
                identity_schemas::pull(&run.backends.units, declared, io).await
            })
        }
        Command::Explain { json, flow } => {
            remote.run(Mode::Apply, false, &mut io, move |run, io| async move {
                let planner = run.reconciler.planner().to_show();
                explain::run(
                    run.reconciler.reader(),
                    &planner,
                    &run.backends.units,
                    json,
                    flow,
                    io,
                )
                .await
            })
        }
    };
    if let Ok(lines) = kept.lock() {
        for line in lines.iter() {
            let _ = writeln!(io.err, "{line}");
        }
    }
    code
}

/// The stack, once the values the program computed are checked (before anything is read,
/// written or shown) and the samples of `--identity-schema` are in; else the exit code.
fn checked(stack: Stack, options: &Options, err: &mut dyn Write) -> Result<Stack, u8> {
    let invalid: Vec<InvalidAction> = stack
        .get_actions()
        .iter()
        .filter_map(|action| action.check().err())
        .collect();
    if !invalid.is_empty() {
        for line in invalid.iter().flat_map(InvalidAction::lines) {
            let _ = writeln!(err, "error: {line}");
        }
        let _ = writeln!(
            err,
            "error: {} action(s) have invalid computed values; nothing was read or written",
            invalid.len()
        );
        return Err(EXIT_ERROR);
    }
    match &options.identity_schema {
        Some(path) => match stack.get_samples().clone().identity_schema_file(path) {
            Ok(samples) => Ok(stack.samples(samples)),
            Err(e) => Err(fail(err, e)),
        },
        None => Ok(stack),
    }
}

/// `plan`, `apply` and `destroy`: `job` on the backends of `remote`.
fn plans(remote: Remote<'_>, job: plan::Job, style: Style, io: &mut Io<'_>) -> u8 {
    remote.run(job.mode, false, io, move |run, io| async move {
        plan::run(&run.reconciler, &run.backends.units, job, style, io).await
    })
}

/// What a command that reads (and maybe writes) backends starts from.
struct Remote<'r> {
    stack: Stack,
    options: &'r Options,
    env: &'r dyn Fn(&str) -> Option<String>,
    trace: &'r Trace,
}

/// A command's backends, and how it reads, plans and writes them.
struct Run {
    reconciler: Reconciler,
    backends: Backends,
    /// The sample contexts bodies are evaluated with.
    samples: Samples,
}

impl Remote<'_> {
    /// Checks the stack, starts the async runtime, sets up the backends (of any project the
    /// command names, for `import`) and runs `job` on them in `mode`.
    fn run<'io, F: Future<Output = u8>>(
        self,
        mode: Mode,
        any_project: bool,
        io: &'io mut Io<'_>,
        job: impl FnOnce(Run, Io<'io>) -> F,
    ) -> u8 {
        let stack = match checked(self.stack, self.options, io.err) {
            Ok(stack) => stack,
            Err(code) => return code,
        };
        if tokio::runtime::Handle::try_current().is_ok() {
            return fail(
                io.err,
                "the command line runs its own async runtime and cannot be called from inside \
                 one; call it from synchronous code (for example in `tokio::task::spawn_blocking`)",
            );
        }
        let runtime = match tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
        {
            Ok(runtime) => runtime,
            Err(e) => return fail(io.err, format!("cannot start the async runtime: {e}")),
        };
        let set_up = settings::reconciler(&stack, self.options, self.env, self.trace, mode)
            .and_then(|reconciler| {
                let samples = stack.get_samples().clone();
                let deadline = reconciler.reader().policy().deadline();
                let backends = Backends::new(
                    stack,
                    self.options,
                    self.env,
                    (self.trace, deadline),
                    any_project,
                )?;
                Ok(Run {
                    reconciler,
                    backends,
                    samples,
                })
            });
        match set_up {
            Ok(run) => runtime.block_on(job(run, io.reborrow())),
            Err(e) => fail(io.err, e),
        }
    }
}

/// The program's name, as it was started.
fn program() -> String {
    std::env::args_os()
        .next()
        .as_deref()
        .map(std::path::Path::new)
        .and_then(|path| path.file_name())
        .map(|name| name.to_string_lossy().into_owned())
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| "ory-actions".to_owned())
}

/// The text of `--help`, for the program `program`: the commands of [`args::COMMANDS`] and the
/// flags of [`args::FLAGS`], each flag with the commands that take it.
fn usage_of(program: &str) -> String {
    let mut out = format!("Usage: {program} <command> [options]\n\nCommands:\n");
    for command in COMMANDS {
        let mut lines = command.synopsis.iter();
        let first = match lines.next() {
            Some(line) => format!("{} {line}", command.name),
            None => command.name.to_owned(),
        };
        let mut left = vec![first];
        let indent = " ".repeat(command.name.len() + 1);
        left.extend(lines.map(|line| format!("{indent}{line}")));
        entry(&mut out, &left, command.help);
    }
    let groups = [
        ("Options of some commands (those in brackets):", true),
        ("Options of every command:", false),
    ];
    for (heading, some) in groups {
        out.push_str(&format!("\n{heading}\n"));
        for flag in FLAGS.iter().filter(|f| f.commands.is_some() == some) {
            let mut help: Vec<String> = flag.help.iter().map(|&l| l.to_owned()).collect();
            if let (Some(commands), Some(last)) = (flag.commands, help.last_mut()) {
                let commands = format!("[{}]", commands.join(", "));
                if last.len() + 1 + commands.len() <= HELP_WIDTH {
                    last.push(' ');
                    last.push_str(&commands);
                } else {
                    help.push(commands);
                }
            }
            entry(&mut out, &[flag.shown()], &help);
        }
    }
    out.push_str(
        "
Environment: ORY_WORKSPACE_API_KEY holds the workspace API key (never a flag; not needed
with --config); the other variables are named with the flags they stand in for.

Exit codes: 0 ok (or no changes), 1 error, 2 changes present (plan --detailed-exitcode),
3 someone else kept writing the target and nothing of this run was written there, 4 changes
present with --expect-no-changes (nothing written).

Every command, flag, variable, exit code and JSON form: the `cli` module of the ory-actions
documentation (docs.rs/ory-actions).
",
    );
    out
}

/// How wide the text of a command or flag in `--help` may be, right of its name.
const HELP_WIDTH: usize = 72;

/// One command or flag of `--help`: the lines of `left` from column 3, the lines of `help` from
/// column 23 (beside the last line of `left` when there is room, else below it).
fn entry(out: &mut String, left: &[String], help: &[impl AsRef<str>]) {
    const COLUMN: usize = 20;
    let (last, before) = match left.split_last() {
        Some(split) => split,
        None => return,
    };
    for line in before {
        out.push_str(&format!("  {line}\n"));
    }
    let mut help = help.iter().map(AsRef::as_ref);
    if last.len() + 2 <= COLUMN {
        out.push_str(&format!(
            "  {last:<COLUMN$}{}\n",
            help.next().unwrap_or_default()
        ));
    } else {
        out.push_str(&format!("  {last}\n"));
    }
    for line in help {
        out.push_str(&format!("  {:COLUMN$}{line}\n", ""));
    }
}

/// The text of `--help`.
fn usage() -> String {
    usage_of(&program())
}
