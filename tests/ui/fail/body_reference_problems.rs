use ory_actions::action;

fn main() {
    let _ = action! {
        flow: login,
        timing: before,
        url: "https://api.example.com/a",
        body: url("ftp://example.com/body.jsonnet"),
    };
    let _ = action! {
        flow: login,
        timing: before,
        url: "https://api.example.com/b",
        body: url("body.jsonnet"),
    };
    let _ = action! {
        flow: login,
        timing: before,
        url: "https://api.example.com/c",
        body: url("file:///etc/config/kratos/body.jsonnet"),
    };
    let _ = action! {
        flow: login,
        timing: before,
        url: "https://api.example.com/d",
        body: kratos_file(""),
    };
    let _ = action! {
        flow: login,
        timing: before,
        url: "https://api.example.com/e",
        body: kratos_file("file:///etc/config/kratos/body.jsonnet"),
    };
    let _ = action! {
        flow: login,
        timing: before,
        url: "https://api.example.com/f",
        body: kratos_file("a", "b"),
    };
    let _ = action! {
        flow: login,
        timing: before,
        url: "https://api.example.com/g",
        body: kratos_fle("/etc/x.jsonnet"),
    };
    let _ = action! {
        flow: login,
        timing: before,
        url: "https://api.example.com/h",
        body: "https://example.com/body.jsonnet",
    };
    let _ = action! {
        flow: login,
        timing: before,
        url: "https://api.example.com/i",
        body: "file:///etc/config/kratos/body.jsonnet",
    };
}
