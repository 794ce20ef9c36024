//! `action!` against the identity schemas a crate declares, as a user's crate sees it: a crate
//! written to a temporary directory, depending on ory-actions by path, checked with
//! `cargo check` (its own target directory under `target/tmp`, kept between runs). It shows
//! that without the metadata nothing changes; with it, an unknown trait (with its suggestion),
//! a nested one behind a `$ref`, and a trait one of two schemas lacks read unguarded are compile
//! errors at their lines, while the guarded read compiles; and that editing a schema file
//! alone, or the metadata alone, makes the next build check the bodies again.

use std::path::{Path, PathBuf};
use std::process::Command;

const CUSTOMER: &str = include_str!("identity_schemas/customer.schema.json");
const STAFF: &str = include_str!("identity_schemas/staff.schema.json");

const METADATA: &str = "\n[package.metadata.ory-actions]\n\
    identity-schemas = [\"identity/customer.schema.json\", \"identity/staff.schema.json\"]\n";

/// The crate's `src/main.rs`: one `action!` per body.
fn main_rs(bodies: &[&str]) -> String {
    let mut source = String::from("use ory_actions::action;\n\nfn main() {\n");
    for (i, body) in bodies.iter().enumerate() {
        source.push_str(&format!(
            "    let _a{i} = action! {{\n        flow: registration, timing: after, auth_method: password,\n        url: \"https://hooks.example.com/h{i}\",\n        body: {body:?},\n    }};\n"
        ));
    }
    source.push_str("}\n");
    source
}

struct Shop {
    dir: PathBuf,
    target: PathBuf,
}

impl Shop {
    fn new() -> Shop {
        let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
        let dir = tmp.join(format!("identity-schemas-shop-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("src")).unwrap();
        std::fs::create_dir_all(dir.join("identity")).unwrap();
        std::fs::write(dir.join("identity/customer.schema.json"), CUSTOMER).unwrap();
        std::fs::write(dir.join("identity/staff.schema.json"), STAFF).unwrap();
        // The workspace's lock file: the same versions, nothing to download.
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
        let shop = Shop {
            dir,
            target: tmp.join("identity-schemas-target"),
        };
        shop.manifest(false);
        shop
    }

    fn manifest(&self, declared: bool) {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let manifest = format!(
            "[package]\nname = \"shop\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n\
             [dependencies]\nory-actions = {{ path = {:?} }}\n\n[workspace]\n{}",
            root.display().to_string(),
            if declared { METADATA } else { "" }
        );
        std::fs::write(self.dir.join("Cargo.toml"), manifest).unwrap();
    }

    fn bodies(&self, bodies: &[&str]) {
        std::fs::write(self.dir.join("src/main.rs"), main_rs(bodies)).unwrap();
    }

    /// `cargo check`: `Ok` when it compiles, the compiler's output otherwise.
    fn check(&self) -> Result<(), String> {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let output = Command::new(cargo)
            .args(["check", "--quiet", "--color", "never"])
            .current_dir(&self.dir)
            .env("CARGO_TARGET_DIR", &self.target)
            .env_remove("RUSTFLAGS")
            .output()
            .expect("cargo runs");
        if output.status.success() {
            Ok(())
        } else {
            Err(String::from_utf8_lossy(&output.stderr).into_owned())
        }
    }
}

impl Drop for Shop {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[test]
fn a_crate_checks_its_bodies_against_its_identity_schemas() {
    let shop = Shop::new();
    let typo = "function(ctx) { email: ctx.identity.traits.emial }";
    let nested = "function(ctx) { first: ctx.identity.traits.name.frist }";
    let unguarded = "function(ctx) { phone: ctx.identity.traits.phone }";
    let guarded = "function(ctx) { email: ctx.identity.traits.email, phone: std.get(ctx.identity.traits, 'phone', null), first: if 'name' in ctx.identity.traits then ctx.identity.traits.name.first }";

    // Without the metadata, traits are not checked.
    shop.bodies(&[typo, nested, unguarded, guarded]);
    shop.check().expect("no metadata: compiles as before");

    // Declaring the schemas alone rechecks every body.
    shop.manifest(true);
    let errors = shop.check().expect_err("the schemas find three mistakes");
    assert_eq!(
        errors.matches("error: the Jsonnet body").count(),
        3,
        "{errors}"
    );
    for (line, expected) in [
        (
            7,
            "no identity schema declares the trait `emial` (read against \
             `identity/customer.schema.json` and `identity/staff.schema.json`), so Kratos fails the \
             call for every identity without it (\"field does not exist\"): did you mean \
             `ctx.identity.traits.email`?",
        ),
        (12, "no identity schema declares the trait `name.frist`"),
        (
            17,
            "but only `identity/staff.schema.json` declares the trait `phone`: identities of \
             `identity/customer.schema.json` have no such trait",
        ),
    ] {
        let at = errors
            .find(expected)
            .unwrap_or_else(|| panic!("{expected}\n{errors}"));
        let place = format!("src/main.rs:{line}:15");
        assert!(
            errors[at..].contains(&place),
            "{expected} at {place}\n{errors}"
        );
    }
    assert!(
        errors.contains("did you mean `ctx.identity.traits.name.first`?"),
        "{errors}"
    );

    // The guarded reads compile.
    shop.bodies(&[guarded]);
    shop.check().expect("guarded reads compile");

    // Editing a schema file alone rechecks the bodies: staff without `email`.
    let staff = STAFF.replacen("\"email\": {", "\"mail\": {", 1);
    assert_ne!(staff, STAFF);
    std::fs::write(shop.dir.join("identity/staff.schema.json"), staff).unwrap();
    let errors = shop.check().expect_err("`email` is now in one schema only");
    assert!(
        errors.contains("only `identity/customer.schema.json` declares the trait `email`"),
        "{errors}"
    );
}

mod target {
    //! `plan`'s comparison and `identity-schemas pull`, against the testkit (a project with
    //! custom schemas) and a Kratos configuration file with `file://` and `base64://` schemas.
    //! The stacks are made as `action!` makes them in a crate that declares schemas.

    use std::borrow::Cow;
    use std::path::Path;

    use base64::Engine as _;
    use ory_actions::__private::{
        self as private, AuthMethod, AuthMethods, Body, DeclaredSchema, DeclaredSchemas, Flow,
        HookFields, Location, Parts, Timing,
    };
    use ory_actions::Stack;
    use ory_actions::testkit::{Options, TestKit, new_project_config, run_env};
    use serde_json::json;

    use super::{CUSTOMER, STAFF};

    static FILES: [DeclaredSchema; 2] = [
        DeclaredSchema {
            path: "identity/customer.schema.json",
            id: "customer",
            text: CUSTOMER,
        },
        DeclaredSchema {
            path: "identity/staff.schema.json",
            id: "staff",
            text: STAFF,
        },
    ];

    /// A stack of one action, declared in a crate at `dir` that names the two schemas.
    fn stack(dir: &Path) -> Stack {
        Stack::new().action(declared(
            dir,
            "welcome",
            "function(ctx) { email: ctx.identity.traits.email }",
        ))
    }

    /// An action named `name` with `body`, declared in a crate at `dir` that names the two
    /// schemas.
    fn declared(dir: &Path, name: &'static str, body: &'static str) -> ory_actions::Action {
        let dir: &'static str = Box::leak(dir.display().to_string().into_boxed_str());
        private::action(
            Parts {
                name: Some(Cow::Borrowed(name)),
                flow: Flow::Registration,
                timing: Timing::After,
                auth_method: Some(AuthMethods::Only(vec![AuthMethod::Password])),
                project_id: None,
                hook: HookFields {
                    url: Cow::Owned(format!("https://hooks.example.com/{name}")),
                    body: Some(Body::inline(body)),
                    ..HookFields::default()
                },
                identity_schemas: DeclaredSchemas { dir, files: &FILES },
            },
            Location::new(file!(), line!(), column!()),
        )
    }

    /// `render --payloads`, the snapshot and `probe --dry-run` use a sample identity per
    /// declared schema, and show a payload per schema only where they differ.
    #[test]
    fn payloads_are_shown_per_schema_where_they_differ() {
        let dir = crate_dir("samples");
        let stack = || {
            Stack::new()
                .action(declared(
                    &dir,
                    "welcome",
                    "function(ctx) { email: ctx.identity.traits.email }",
                ))
                .action(declared(
                    &dir,
                    "sms",
                    "function(ctx) { phone: std.get(ctx.identity.traits, 'phone', null), schema: ctx.identity.schema_id }",
                ))
        };
        let env = std::collections::BTreeMap::new();
        let render = run_env(stack(), &["render", "--payloads"], &env);
        assert_eq!(render.code, 0, "{}{}", render.out, render.err);
        let out = &render.out;
        assert_eq!(
            out.matches("identity schema `customer`").count(),
            1,
            "{out}"
        );
        assert_eq!(out.matches("identity schema `staff`").count(), 1, "{out}");
        let sms = &out[out.find("# sms").expect("the sms action")..];
        assert!(sms.contains("\"schema\": \"customer\""), "{sms}");
        assert!(sms.contains("\"phone\": null"), "{sms}");
        assert!(sms.contains("\"schema\": \"staff\""), "{sms}");
        let welcome = &out[..out.find("# sms").unwrap()];
        assert!(
            !welcome.contains("identity schema"),
            "one payload for both: {welcome}"
        );

        let json = run_env(stack(), &["render", "--payloads", "--json"], &env);
        let entries: serde_json::Value = serde_json::from_str(&json.out).unwrap();
        let schemas: Vec<Option<&str>> = entries
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e.get("schema").and_then(serde_json::Value::as_str))
            .collect();
        assert_eq!(schemas, [None, Some("customer"), Some("staff")]);

        let snapshot = stack().snapshot().unwrap();
        assert_eq!(
            snapshot
                .matches("payload (post-persist sample context, identity schema `")
                .count(),
            2,
            "{snapshot}"
        );

        let config = dir.join("kratos.yaml");
        std::fs::copy(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/kratos/kratos.yaml"),
            &config,
        )
        .unwrap();
        let config = config.display().to_string();
        let probe = run_env(stack(), &["probe", "--dry-run", "--config", &config], &env);
        assert!(probe.out.contains("sms (registration after password: POST https://hooks.example.com/sms), identity schema `staff`"), "{}{}", probe.out, probe.err);
        assert_eq!(probe.out.matches("--- welcome").count(), 1, "{}", probe.out);

        // Samples the stack is given win.
        let given = stack().samples(ory_actions::payload::Samples::new());
        assert!(!given.snapshot().unwrap().contains("identity schema"));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    fn base64(text: &str) -> String {
        format!(
            "base64://{}",
            base64::engine::general_purpose::STANDARD.encode(text)
        )
    }

    fn crate_dir(name: &str) -> std::path::PathBuf {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("identity-schemas-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn plan_names_a_changed_schema_of_a_project_and_pull_writes_the_project_s_schemas() {
        let kit = TestKit::start(Options::default()).unwrap();
        let renamed = STAFF.replacen("\"phone\": {", "\"mobile\": {", 1);
        let mut config = new_project_config();
        config["identity"] = json!({
            "default_schema_id": "customer",
            "schemas": [
                {"id": "customer", "url": base64(CUSTOMER)},
                {"id": "staff", "url": base64(&renamed)},
                {"id": "preset://email", "url": base64(CUSTOMER)},
                {"id": "beb7e08859084ec7"},
                {"id": "preset://username", "url": "preset://username"},
                {"id": "x:y", "url": base64(CUSTOMER)},
                {"id": "x/y", "url": base64(STAFF)},
            ],
        });
        let project = kit.add_project(config);
        let dir = crate_dir("project");
        kit.clear_requests();
        let plan = kit.run(&project, stack(&dir), &["plan"]);
        assert_eq!(plan.code, 0, "{}{}", plan.out, plan.err);
        // The schemas are compared from the document the plan read: no second request.
        assert_eq!(kit.count("GET"), 1, "{:?}", kit.requests());
        let all = format!("{}{}", plan.out, plan.err);
        for expected in [
            "the target's identity schema `staff` is not the one in identity/staff.schema.json, \
             which the bodies were checked against: trait `phone` renamed `mobile`",
            "the target has an identity schema `preset://email` that the crate does not declare",
            "the target has an identity schema `beb7e08859084ec7` that the crate does not declare",
        ] {
            assert!(all.contains(expected), "{expected}\n{all}");
        }
        assert!(!all.contains("schema `customer`"), "{all}");

        let pull = kit.run(&project, stack(&dir), &["identity-schemas", "pull"]);
        assert_eq!(
            pull.code, 1,
            "one schema cannot be read: {}{}",
            pull.out, pull.err
        );
        let read = |path: &str| std::fs::read_to_string(dir.join(path)).unwrap();
        assert_eq!(read("identity/customer.schema.json"), CUSTOMER);
        assert_eq!(read("identity/staff.schema.json"), renamed);
        assert_eq!(read("identity/preset-email.schema.json"), CUSTOMER);
        // Two ids with one file name: the second gets another.
        assert_eq!(read("identity/x-y.schema.json"), CUSTOMER);
        assert_eq!(read("identity/x-y-2.schema.json"), STAFF);
        assert!(
            pull.out
                .contains("{ path = \"identity/x-y-2.schema.json\", id = \"x/y\" }"),
            "{}",
            pull.out
        );
        assert!(
            pull.out.contains(
                "{ path = \"identity/preset-email.schema.json\", id = \"preset://email\" }"
            ),
            "{}",
            pull.out
        );
        assert!(
            pull.err
                .contains("the identity schema `beb7e08859084ec7` of project ")
                && pull.err.contains("download it from the Console"),
            "{}",
            pull.err
        );
        assert!(
            pull.err
                .contains("`preset://username` names one of Ory's preset schemas"),
            "{}",
            pull.err
        );
        // Pulled again: nothing to write.
        let again = kit.run(&project, stack(&dir), &["identity-schemas", "pull"]);
        assert!(
            again
                .out
                .contains("identity/staff.schema.json is up to date"),
            "{}",
            again.out
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_kratos_file_s_schemas_are_read_where_kratos_reads_them() {
        let dir = crate_dir("kratos");
        let kratos = dir.join("kratos");
        std::fs::create_dir_all(&kratos).unwrap();
        std::fs::write(kratos.join("customer.schema.json"), CUSTOMER).unwrap();
        let config = kratos.join("kratos.yaml");
        std::fs::write(
            &config,
            format!(
                "identity:\n  default_schema_id: customer\n  schemas:\n    - id: customer\n      \
                 url: file://customer.schema.json\n    - id: staff\n      url: {}\n",
                base64(STAFF)
            ),
        )
        .unwrap();
        let env = std::collections::BTreeMap::new();
        let config = config.display().to_string();
        let kratos_dir = kratos.display().to_string();
        let args = ["--config", &config, "--kratos-dir", &kratos_dir];
        let plan = run_env(stack(&dir), &[&["plan"], &args[..]].concat(), &env);
        assert_eq!(plan.code, 0, "{}{}", plan.out, plan.err);
        assert!(
            !format!("{}{}", plan.out, plan.err).contains("identity schema"),
            "{}{}",
            plan.out,
            plan.err
        );

        // The Console (or an editor) removes `email` from the customer schema.
        std::fs::write(
            kratos.join("customer.schema.json"),
            CUSTOMER.replacen("\"email\": {", "\"mail\": {", 1),
        )
        .unwrap();
        let plan = run_env(stack(&dir), &[&["plan"], &args[..]].concat(), &env);
        let all = format!("{}{}", plan.out, plan.err);
        assert!(
            all.contains("the target's identity schema `customer` is not the one in identity/customer.schema.json, which the bodies were checked against: trait `email` renamed `mail`"),
            "{all}"
        );
        let pull = run_env(
            stack(&dir),
            &[&["identity-schemas", "pull"], &args[..]].concat(),
            &env,
        );
        assert_eq!(pull.code, 0, "{}{}", pull.out, pull.err);
        assert!(
            std::fs::read_to_string(dir.join("identity/customer.schema.json"))
                .unwrap()
                .contains("\"mail\": {")
        );
        assert_eq!(
            std::fs::read_to_string(dir.join("identity/staff.schema.json")).unwrap(),
            STAFF
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

/// `Samples::identity_schemas`: the first schema's identity is the sample identity, with the
/// schema's id; a schema without traits is refused, naming it.
#[test]
fn samples_from_identity_schemas() {
    use ory_actions::payload::Samples;
    let customer: serde_json::Value = serde_json::from_str(CUSTOMER).unwrap();
    let staff: serde_json::Value = serde_json::from_str(STAFF).unwrap();
    let samples = Samples::new()
        .identity_schemas([("customer", &customer), ("staff", &staff)])
        .unwrap();
    assert_eq!(samples.identity_value()["schema_id"], "customer");
    assert!(samples.identity_value()["traits"]["email"].is_string());
    let one = Samples::new()
        .identity_schemas([("staff", &staff)])
        .unwrap();
    assert_eq!(one.identity_value()["schema_id"], "staff");
    assert!(one.identity_value()["traits"]["phone"].is_string());
    let error = Samples::new()
        .identity_schemas([("broken", &serde_json::json!({}))])
        .unwrap_err();
    assert!(error.to_string().contains("schema `broken`"), "{error}");
}
