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
             `identity/customer.schema.json` and `identity/staff.schema.json`), so Kratos would \
             fail every call (\"field does not exist\"): did you mean `ctx.identity.traits.email`?",
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
