use super::*;
use crate::scope::{Flow, Timing};

#[test]
fn what_each_phase_passes() {
    let fields = |flow, timing| CtxShape::of(flow, timing).fields();
    let base = ALWAYS.to_vec();
    for flow in Flow::ALL {
        let before = fields(*flow, Timing::Before);
        if *flow == Flow::Settings {
            assert_eq!(before, [&base[..], &["session"]].concat());
        } else {
            assert_eq!(before, base, "{flow} before");
        }
    }
    assert_eq!(
        fields(Flow::Login, Timing::After),
        [&base[..], &["identity", "session"]].concat()
    );
    assert_eq!(
        fields(Flow::Settings, Timing::After),
        [&base[..], &["identity", "session"]].concat()
    );
    for flow in [Flow::Registration, Flow::Recovery, Flow::Verification] {
        assert_eq!(
            fields(flow, Timing::After),
            [&base[..], &["identity"]].concat()
        );
    }
    let named = |field| {
        CtxShape::hooks_with(field)
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        named("session"),
        ["login after", "settings before", "settings after"]
    );
    assert_eq!(
        named("identity"),
        [
            "login after",
            "registration after",
            "recovery after",
            "settings after",
            "verification after"
        ]
    );
}

#[test]
fn keys_are_those_kratos_encodes() {
    let s = CtxShape::of(Flow::Settings, Timing::After);
    assert_eq!(s.keys_of("identity"), Some(&IDENTITY[..]));
    assert_eq!(s.keys_of("session"), Some(&SESSION[..]));
    assert!(s.keys_of("flow").unwrap().contains(&"continue_with"));
    assert!(
        !CtxShape::of(Flow::Login, Timing::After)
            .keys_of("flow")
            .unwrap()
            .contains(&"continue_with")
    );
    assert_eq!(s.keys_of("request_headers"), None);
    for keys in [
        &IDENTITY[..],
        &SESSION,
        &LOGIN_FLOW,
        &REGISTRATION_FLOW,
        &SETTINGS_FLOW,
        &RECOVERY_FLOW,
        &VERIFICATION_FLOW,
    ] {
        let mut sorted = keys.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), keys.len(), "no key twice: {keys:?}");
        for common in ["id", "state"] {
            assert!(keys.contains(&common) || keys == SESSION, "{common}");
        }
    }
    for removed in IDENTITY_REMOVED {
        assert!(!IDENTITY.contains(&removed));
    }
}
