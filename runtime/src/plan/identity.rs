//! The target's identity schemas against those the crate declares: a schema changed in the
//! Console (or in the Kratos configuration) can break hooks that compiled, so `plan` says
//! which schema changed and how.

use ory_actions_core::identity::Schema;

use super::warning::Warning;
use crate::action::DeclaredSchemas;
use crate::backend::schemas::TargetSchema;

/// What differs between the schemas the bodies were checked against (`declared`) and the ones
/// the target lists (`target`), as warnings.
pub(crate) fn drift(declared: DeclaredSchemas, target: &[TargetSchema]) -> Vec<Warning> {
    let mut warnings = Vec::new();
    // The declared schemas as the actions' checks read them, once for the whole program.
    let ours = crate::action::identity_schemas(declared);
    for (index, file) in declared.files.iter().enumerate() {
        let Some(there) = target.iter().find(|t| t.id == file.id) else {
            warnings.push(Warning::SchemaMissing {
                id: file.id.to_owned(),
                file: file.path.to_owned(),
                ids: target.iter().map(|t| t.id.clone()).collect(),
            });
            continue;
        };
        let text = match &there.text {
            Ok(text) => text,
            Err(reason) => {
                warnings.push(Warning::SchemaUnreadable {
                    id: Some(file.id.to_owned()),
                    reason: reason.clone(),
                });
                continue;
            }
        };
        // `action!` read every declared schema when it compiled.
        let Some(ours) = ours.as_ref().and_then(|s| s.list().get(index)) else {
            continue;
        };
        let ours = ours.trait_paths();
        let theirs = match Schema::read(file.path, text) {
            Ok(theirs) => theirs.trait_paths(),
            Err(e) => {
                warnings.push(Warning::SchemaUnreadable {
                    id: Some(file.id.to_owned()),
                    reason: e.problem,
                });
                continue;
            }
        };
        let mut added: Vec<String> = theirs
            .iter()
            .filter(|p| !ours.contains(p))
            .cloned()
            .collect();
        let mut removed: Vec<String> = ours
            .iter()
            .filter(|p| !theirs.contains(p))
            .cloned()
            .collect();
        // Below a trait added or removed whole, its keys are no news.
        let under =
            |path: &str, list: &[String]| list.iter().any(|p| path.starts_with(&format!("{p}.")));
        let added_all = added.clone();
        added.retain(|p| !under(p, &added_all));
        let removed_all = removed.clone();
        removed.retain(|p| !under(p, &removed_all));
        // One key removed and one added under the same parent: a rename.
        let parent = |path: &str| path.rsplit_once('.').map_or("", |(p, _)| p).to_owned();
        let mut renamed = Vec::new();
        for old in removed.clone() {
            let siblings_removed = removed.iter().filter(|p| parent(p) == parent(&old)).count();
            let new: Vec<&String> = added.iter().filter(|p| parent(p) == parent(&old)).collect();
            if siblings_removed == 1 && new.len() == 1 {
                let new = new[0].clone();
                renamed.push((old.clone(), new.clone()));
                removed.retain(|p| *p != old);
                added.retain(|p| *p != new);
            }
        }
        if !(added.is_empty() && removed.is_empty() && renamed.is_empty()) {
            warnings.push(Warning::SchemaChanged {
                id: file.id.to_owned(),
                file: file.path.to_owned(),
                added,
                removed,
                renamed,
            });
        }
    }
    for there in target {
        if !declared.files.iter().any(|f| f.id == there.id) {
            warnings.push(Warning::SchemaUndeclared {
                id: there.id.clone(),
            });
        }
    }
    warnings
}

#[cfg(test)]
mod tests {
    use super::drift;
    use crate::action::{DeclaredSchema, DeclaredSchemas};
    use crate::backend::schemas::TargetSchema;

    const EMAIL: &str =
        include_str!("../../../core/tests/identity_schemas/email-password.schema.json");
    const PHONE: &str =
        include_str!("../../../core/tests/identity_schemas/phone-password.schema.json");

    static FILES: [DeclaredSchema; 2] = [
        DeclaredSchema {
            path: "identity/customer.schema.json",
            id: "customer",
            text: EMAIL,
        },
        DeclaredSchema {
            path: "identity/staff.schema.json",
            id: "staff",
            text: PHONE,
        },
    ];

    fn target(schemas: &[(&str, Result<String, String>)]) -> Vec<TargetSchema> {
        schemas
            .iter()
            .map(|(id, text)| TargetSchema {
                id: (*id).to_owned(),
                text: text.clone(),
            })
            .collect()
    }

    fn lines(target: &[TargetSchema]) -> Vec<String> {
        let declared = DeclaredSchemas {
            dir: "",
            files: &FILES,
        };
        drift(declared, target)
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn the_same_schemas_say_nothing() {
        let same = target(&[
            ("customer", Ok(EMAIL.to_owned())),
            ("staff", Ok(PHONE.replace("Phone number", "Phone"))),
        ]);
        assert_eq!(lines(&same), Vec::<String>::new());
    }

    #[test]
    fn a_trait_added_removed_or_renamed_is_named() {
        let changed = target(&[
            (
                "customer",
                Ok(EMAIL.replace("\"first\"", "\"given\"").replace(
                    "\"email\": {",
                    "\"nickname\": {\"type\": \"string\"}, \"email\": {",
                )),
            ),
            (
                "staff",
                Ok(PHONE.replacen("\"phone\": {", "\"mobile\": {", 1).replacen(
                    "\"email\": {\n",
                    "\"x\": {\n",
                    0,
                )),
            ),
            ("preset://email", Ok(EMAIL.to_owned())),
        ]);
        let found = lines(&changed);
        assert_eq!(
            found,
            [
                "the target's identity schema `customer` is not the one in \
                 identity/customer.schema.json, which the bodies were checked against: trait \
                 `nickname` added, `name.first` renamed `name.given`; run `identity-schemas \
                 pull` and build again to check the bodies against it",
                "the target's identity schema `staff` is not the one in \
                 identity/staff.schema.json, which the bodies were checked against: trait \
                 `phone` renamed `mobile`; run `identity-schemas pull` and build again to check \
                 the bodies against it",
                "the target has an identity schema `preset://email` that the crate does not \
                 declare: bodies are not checked against it, and a trait its identities lack \
                 fails the call; declare it in `[package.metadata.ory-actions]` \
                 (`identity-schemas pull` writes it)",
            ],
            "{found:#?}"
        );
    }

    #[test]
    fn missing_and_unreadable_schemas_are_said() {
        let found = lines(&target(&[
            ("customer", Err("no url".to_owned())),
            ("other", Ok("{}".to_owned())),
        ]));
        assert_eq!(
            found,
            [
                "the target's identity schema `customer` could not be compared with the \
                 crate's: no url",
                "the target has no identity schema `staff` (declared as \
                 identity/staff.schema.json); it has `customer` and `other`",
                "the target has an identity schema `other` that the crate does not declare: \
                 bodies are not checked against it, and a trait its identities lack fails the \
                 call; declare it in `[package.metadata.ory-actions]` (`identity-schemas pull` \
                 writes it)",
            ],
            "{found:#?}"
        );
    }
}
