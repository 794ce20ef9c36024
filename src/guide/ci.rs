//! # Chapter 10: Running it in CI
//!
//! Hooks in code get the same review as other code: a pull request shows the plan, the main
//! branch applies it, and a scheduled check finds changes made behind your back. This chapter
//! gives a GitHub Actions workflow for an Ory Network project, and the changes for a Kratos
//! configuration file.
//!
//! It uses three behaviours of the command line ([chapter 5](crate::guide::plan_and_apply)):
//!
//! - `plan --markdown` prints the plan for a pull-request comment: a summary line, then the
//!   plan in a collapsed `diff` block. It starts with the heading `### ory-actions plan`, which
//!   the workflow uses to find its own comment and update it.
//! - `plan --expect-no-changes` exits with code 4 when there are changes: a drift check.
//! - `apply --yes` applies without asking, as a job without a terminal must
//!   ([chapter 5](crate::guide::plan_and_apply#the-loop)).
//!
//! The [`cli`](crate::cli) module lists the exit codes and flags.
//!
//! ## The workflow
//!
//! It assumes that the program is the crate's only binary, so that `cargo run` runs it.
//!
//! ```yaml
//! # .github/workflows/ory-actions.yml
//! name: ory-actions
//!
//! on:
//!   pull_request:
//!   push:
//!     branches: [main]
//!   schedule:
//!     - cron: "17 6 * * *" # the drift check, daily
//!   workflow_dispatch:
//!
//! permissions:
//!   contents: read
//!
//! env:
//!   ORY_WORKSPACE_API_KEY: ${{ secrets.ORY_WORKSPACE_API_KEY }}
//!   ORY_PROJECT_ID: ${{ vars.ORY_PROJECT_ID }}
//!   # One line per env("…") secret your actions read, for example:
//!   WELCOME_KEY: ${{ secrets.WELCOME_KEY }}
//!
//! jobs:
//!   plan:
//!     if: github.event_name == 'pull_request'
//!     runs-on: ubuntu-latest
//!     permissions:
//!       contents: read
//!       pull-requests: write
//!     steps:
//!       - uses: actions/checkout@v4
//!       - uses: dtolnay/rust-toolchain@stable
//!       - uses: Swatinem/rust-cache@v2
//!       - name: Plan
//!         id: plan
//!         run: |
//!           set +e
//!           cargo run --locked --quiet -- plan --markdown > plan.md
//!           echo "code=$?" >> "$GITHUB_OUTPUT"
//!       - name: Post the plan, or update the last one
//!         uses: actions/github-script@v7
//!         with:
//!           script: |
//!             const fs = require('fs');
//!             const marker = '### ory-actions plan';
//!             const plan = fs.readFileSync('plan.md', 'utf8');
//!             const body = plan.startsWith(marker)
//!               ? plan
//!               : `${marker}\n\nThe plan failed; see the log of the job.`;
//!             const { owner, repo } = context.repo;
//!             const issue_number = context.issue.number;
//!             const comments = await github.paginate(github.rest.issues.listComments,
//!               { owner, repo, issue_number });
//!             const last = comments.find(c => c.user.type === 'Bot' && c.body.startsWith(marker));
//!             if (last) {
//!               await github.rest.issues.updateComment({ owner, repo, comment_id: last.id, body });
//!             } else {
//!               await github.rest.issues.createComment({ owner, repo, issue_number, body });
//!             }
//!       - uses: actions/upload-artifact@v4
//!         with:
//!           name: ory-actions-plan
//!           path: plan.md
//!       - name: Fail if the plan failed
//!         if: steps.plan.outputs.code != '0'
//!         run: exit ${{ steps.plan.outputs.code }}
//!
//!   drift:
//!     if: github.event_name == 'schedule' || github.event_name == 'workflow_dispatch'
//!     runs-on: ubuntu-latest
//!     steps:
//!       - uses: actions/checkout@v4
//!       - uses: dtolnay/rust-toolchain@stable
//!       - uses: Swatinem/rust-cache@v2
//!       - run: cargo run --locked --quiet -- plan --expect-no-changes
//!
//!   apply:
//!     if: github.event_name == 'push'
//!     runs-on: ubuntu-latest
//!     concurrency:
//!       group: ory-actions-apply
//!       cancel-in-progress: false
//!     steps:
//!       - uses: actions/checkout@v4
//!       - uses: dtolnay/rust-toolchain@stable
//!       - uses: Swatinem/rust-cache@v2
//!       - run: cargo run --locked --quiet -- apply --yes
//! ```
//!
//! What each job does:
//!
//! - **plan**, on every pull request: plans, posts the plan as a comment (or updates the
//!   comment of the previous run, so that a pull request keeps one), keeps `plan.md` as an
//!   artifact, and then fails the job if the plan failed. Errors go to the job's log; the
//!   Markdown says when some project could not be planned.
//! - **drift**, daily and on demand: fails with exit code 4 when the project no longer matches
//!   the main branch, say after an edit in the Console. The log shows the plan.
//! - **apply**, on every push to `main`: applies. The `concurrency` group runs one apply at a
//!   time. Should someone else write the project at the same moment, the apply re-plans, or
//!   stops with exit code 3 without writing ([chapter 5](crate::guide::plan_and_apply#conflicts)).
//!
//! ## What it needs
//!
//! | name | where | what for |
//! |---|---|---|
//! | `ORY_WORKSPACE_API_KEY` | a repository secret | every job: a workspace API key ([chapter 4](crate::guide::targets#an-ory-network-project)) |
//! | `ORY_PROJECT_ID` | a repository variable | every job, unless the code names the project |
//! | each `env("…")` of your actions | a repository secret each | every job: `plan` and `apply` read secrets ([chapter 1](crate::guide::declaring#secrets)) |
//! | `GITHUB_TOKEN` | given by GitHub | posting the comment (`pull-requests: write`) |
//!
//! Pull requests from forks get neither secrets nor a token that may comment, so the plan job
//! fails there. With one GitHub environment per Ory project (`environment:` on a job), the same
//! names hold each environment's values.
//!
//! ## With a Kratos configuration file
//!
//! When the target is a configuration file in the repository, the file itself is reviewed. Run
//! `apply` locally and commit the changed file with the code; in CI, check that the two agree:
//!
//! ```yaml
//!       - run: cargo run --locked --quiet -- plan --expect-no-changes --config deploy/kratos.yaml
//! ```
//!
//! This job needs no workspace key, but it still needs each `env("…")` secret of your actions,
//! since `plan` reads secrets ([chapter 1](crate::guide::declaring#secrets)). When you apply
//! locally, `--schema` with Kratos's `config.schema.json` validates the hook lists against
//! Kratos's schema before the file is written ([chapter
//! 4](crate::guide::targets#a-self-hosted-kratos-configuration-file)).
//!
//! Next: [chapter 11, troubleshooting](crate::guide::troubleshooting).
