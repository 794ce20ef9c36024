use ory_actions::action;

fn main() {
    let name = format!("guard-{}", 1);
    let _ = action! {
        name: name,
        flow: login,
        timing: before,
        url: "https://hooks.example.com/a b",
        body: "function(context) {}",
        headers: { "X-Tenant": name.clone(), "X Bad": "v" },
    };
}
