// The `sync_verified` example of the Terraform `ory_action` documentation, as written there:
// verification has only the flow-wide `after` list, so Ory refuses `auth_method = "code"`.
use ory_actions::action;

fn main() {
    let _ = action! {
        flow: verification,
        timing: after,
        auth_method: code,
        url: "https://api.example.com/webhooks/user-verified",
        method: POST,
    };
}
