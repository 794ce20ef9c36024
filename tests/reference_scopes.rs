//! The runtime's scope table against the 120 rows of the reference `kratos-hook-scopes.json`,
//! which describes self-hosted Kratos; Ory Network has the `saml` lists besides (reference,
//! section 1).

use std::path::PathBuf;

use ory_actions::Platform;
use ory_actions::{AuthMethod, Scope};

#[test]
fn the_scope_table_matches_all_120_reference_rows() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("reference/kratos-hook-scopes.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let rows: serde_json::Value = serde_json::from_str(&text).unwrap();
    let rows = rows.as_array().expect("an array of rows");
    assert_eq!(rows.len(), 120);

    let mut seen = Vec::new();
    for row in rows {
        let flow = row["flow"].as_str().unwrap();
        let timing = row["timing"].as_str().unwrap();
        let method = row["auth_method"].as_str();
        let found = Scope::lookup(flow, timing, method).filter(|s| s.exists_on(Platform::Kratos));
        if row["valid"] == true {
            let scope = found.unwrap_or_else(|| panic!("missing a valid scope: {row}"));
            assert_eq!(Some(scope.pointer()), row["pointer"].as_str(), "{row}");
            let accepts: Vec<&str> = row["accepts"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap())
                .collect();
            assert_eq!(scope.accepts(), accepts.as_slice(), "{row}");
            assert_eq!(scope.flow().as_str(), flow);
            assert_eq!(scope.timing().as_str(), timing);
            assert_eq!(scope.method().map(|m| m.as_str()), method);
            seen.push(scope);
        } else {
            assert_eq!(found, None, "an invalid combination has a scope: {row}");
        }
    }
    let kratos: Vec<Scope> = Scope::ALL
        .iter()
        .copied()
        .filter(|s| s.exists_on(Platform::Kratos))
        .collect();
    assert_eq!(seen, kratos, "every Kratos scope, in reference order");
}

#[test]
fn the_saml_lists_exist_on_ory_network_only() {
    let saml: Vec<Scope> = Scope::ALL
        .iter()
        .copied()
        .filter(|s| s.method() == Some(AuthMethod::Saml))
        .collect();
    let pointers: Vec<&str> = saml.iter().map(|s| s.pointer()).collect();
    assert_eq!(
        pointers,
        [
            "/services/identity/config/selfservice/flows/login/after/saml/hooks",
            "/services/identity/config/selfservice/flows/registration/after/saml/hooks",
            "/services/identity/config/selfservice/flows/settings/after/saml/hooks",
        ]
    );
    for scope in &saml {
        assert!(scope.exists_on(Platform::OryNetwork), "{scope:?}");
        assert!(!scope.exists_on(Platform::Kratos), "{scope:?}");
    }
    // Every other list exists on both.
    for scope in Scope::ALL.iter().filter(|s| !saml.contains(s)) {
        assert!(scope.exists_on(Platform::OryNetwork) && scope.exists_on(Platform::Kratos));
    }
    assert_eq!(Scope::ALL.len(), 32);
}
