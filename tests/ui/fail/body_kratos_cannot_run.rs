use ory_actions::action;

fn main() {
    let _ = action! {
        flow: login,
        timing: before,
        url: "https://hooks.example.com/a",
        body: "local lib = import 'lib.libsonnet';\nfunction(ctx) lib.body(ctx)",
    };
    let _ = action! {
        flow: login,
        timing: before,
        url: "https://hooks.example.com/b",
        body: "function(ctx) { env: std.extVar('ENV') }",
    };
    let _ = action! {
        flow: login,
        timing: before,
        url: "https://hooks.example.com/c",
        body: "function(ctx) function(x) x",
    };
}
