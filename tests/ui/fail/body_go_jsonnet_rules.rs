use ory_actions::action;

// Bodies another Jsonnet implementation may accept but go-jsonnet, which Kratos runs, refuses.
fn main() {
    // `\x` is not an escape in go-jsonnet.
    let _ = action! {
        flow: login,
        timing: after,
        auth_method: password,
        url: "https://api.example.com/hook",
        body: r#"function(ctx) { letter: "\x41" }"#,
    };
    // An unknown variable fails every call, before anything is evaluated.
    let _ = action! {
        flow: login,
        timing: after,
        auth_method: password,
        url: "https://api.example.com/hook",
        body: "function(ctx) {\n  id: identity.id,\n}",
    };
    // go-jsonnet reads `==-` as one operator.
    let _ = action! {
        flow: login,
        timing: after,
        auth_method: password,
        url: "https://api.example.com/hook",
        body: "function(ctx) { negative: 1==-1 }",
    };
}
