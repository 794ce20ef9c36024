use ory_actions::action;

fn main() {
    let _ = action! {
        flow: login,
        timing: before,
        url: "https://api.example.com/hook",
        headers: {
            "Authorization": "Bearer abc123",
            "X-Tenant": "acme",
            "x-tenant": "other",
            "Bad Name": "x",
            "X-Line": "a\nb",
            "Content-Type": "text/plain",
        },
    };
}
