use ory_actions::{Stack, action};

fn main() {
    let host = "storage.example.com";
    let dir = String::from("/etc/config/kratos");
    let stack = Stack::new()
        .action(action! {
            flow: login,
            timing: before,
            url: "https://api.example.com/a",
            body: url("https://example.com/body.jsonnet"),
        })
        .action(action! {
            flow: login,
            timing: before,
            url: "https://api.example.com/b",
            body: kratos_file("/etc/config/kratos/welcome.jsonnet"),
        })
        .action(action! {
            flow: login,
            timing: before,
            url: "https://api.example.com/c",
            body: kratos_file("templates/x.jsonnet"),
        })
        .action(action! {
            flow: login,
            timing: before,
            url: "https://api.example.com/d",
            body: url(format!("https://{host}/body.jsonnet")),
        })
        .action(action! {
            flow: login,
            timing: before,
            url: "https://api.example.com/e",
            body: kratos_file(format!("{dir}/welcome.jsonnet")),
        });
    let _ = stack;
}
