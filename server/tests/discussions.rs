//! Module discussions on SQLite and PostgreSQL: who sees which posts (post first,
//! hidden and deleted posts, other cohorts), sanitizing, mentions and reply
//! notifications, rejected replies and posts, edit history, the audit log of
//! moderation, and unread counts.

mod common;

use app::auth::Role;
use app::entities::{audit_log, notifications, post_revisions, posts, users};
use common::{Backend, TestApp, post_form_as};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder,
};

on_both_backends!(
    post_first_hides_posts_until_fellow_posts,
    outsiders_are_forbidden,
    hidden_posts_show_reason_only,
    deleted_post_keeps_its_replies,
    posts_and_prompt_are_sanitized,
    mentions_notify_cohort_members_only,
    bad_posts_and_replies_are_rejected,
    edits_keep_earlier_text,
    unread_counts_follow_read_marker,
);

const FACILITATOR: &str = "farah@example.org";
const COACH: &str = "corin@example.org";
const ANA: &str = "ana@example.org";
const BEN: &str = "ben@example.org";
const OUTSIDER: &str = "zed@example.org";

struct World {
    app: TestApp,
    cohort: i32,
    module: i32,
    second_module: i32,
    third_module: i32,
    other_module: i32,
    ana: i32,
    ben: i32,
    outsider: i32,
    facilitator: reqwest::Client,
    coach: reqwest::Client,
    ana_client: reqwest::Client,
    ben_client: reqwest::Client,
    outsider_client: reqwest::Client,
}

async fn named_user(app: &TestApp, email: &str, name: &str, roles: &[(i32, Role)]) -> i32 {
    let id = app.create_user(email, false, roles).await;
    let mut user: users::ActiveModel = users::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .into();
    user.display_name = Set(name.to_owned());
    user.update(&app.db).await.unwrap();
    id
}

/// Creates one cohort with a facilitator, a coach and two fellows, and another cohort
/// whose fellow, Zed Outsider, exists but belongs to no discussion of the first.
async fn arrange(backend: Backend) -> World {
    let app = TestApp::spawn(backend).await;
    let cohort = app.create_cohort("Ohio").await;
    let other = app.create_cohort("Nevada").await;
    let modules = app.schedule_first_term(cohort).await;
    let other_modules = app.schedule_first_term(other).await;

    named_user(
        &app,
        FACILITATOR,
        "Farah Quill",
        &[(cohort, Role::Facilitator)],
    )
    .await;
    named_user(&app, COACH, "Corin Vale", &[(cohort, Role::Coach)]).await;
    let ana = named_user(&app, ANA, "Ana Lopez", &[(cohort, Role::Fellow)]).await;
    let ben = named_user(&app, BEN, "Ben Ortiz", &[(cohort, Role::Fellow)]).await;
    let outsider = named_user(&app, OUTSIDER, "Zed Outsider", &[(other, Role::Fellow)]).await;

    World {
        facilitator: app.signed_in_client(FACILITATOR).await,
        coach: app.signed_in_client(COACH).await,
        ana_client: app.signed_in_client(ANA).await,
        ben_client: app.signed_in_client(BEN).await,
        outsider_client: app.signed_in_client(OUTSIDER).await,
        app,
        cohort,
        module: modules[0],
        second_module: modules[1],
        third_module: modules[2],
        other_module: other_modules[0],
        ana,
        ben,
        outsider,
    }
}

impl World {
    fn path(&self) -> String {
        self.path_of(self.module)
    }

    fn path_of(&self, module: i32) -> String {
        format!("/cohorts/{}/modules/{module}/discussion", self.cohort)
    }

    async fn page(&self, client: &reqwest::Client) -> String {
        self.page_of(client, self.module).await
    }

    async fn page_of(&self, client: &reqwest::Client, module: i32) -> String {
        let response = client
            .get(self.app.url(&self.path_of(module)))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "the discussion page");
        response.text().await.unwrap()
    }

    /// Posts a form as a browser without script and returns where it redirected.
    async fn submit(
        &self,
        client: &reqwest::Client,
        endpoint: &str,
        fields: &[(&str, &str)],
    ) -> String {
        self.submit_in(client, self.module, endpoint, fields).await
    }

    async fn submit_in(
        &self,
        client: &reqwest::Client,
        module: i32,
        endpoint: &str,
        fields: &[(&str, &str)],
    ) -> String {
        let cohort = self.cohort.to_string();
        let module_text = module.to_string();
        let mut all = vec![
            ("cohort_id", cohort.as_str()),
            ("module_id", module_text.as_str()),
        ];
        all.extend_from_slice(fields);
        let response = self
            .app
            .post_html_form_as(client, endpoint, &self.path_of(module), &all)
            .await;
        assert_eq!(response.status(), 302, "{endpoint} did not redirect");
        let location = response.headers()["location"].to_str().unwrap().to_owned();
        assert!(
            !location.contains("__err="),
            "{endpoint} was rejected: {location}"
        );
        location
    }

    /// Posts a form that the server must reject, and returns the page it came back to.
    async fn rejected(
        &self,
        client: &reqwest::Client,
        endpoint: &str,
        fields: &[(&str, &str)],
    ) -> String {
        let cohort = self.cohort.to_string();
        let module = self.module.to_string();
        let mut all = vec![
            ("cohort_id", cohort.as_str()),
            ("module_id", module.as_str()),
        ];
        all.extend_from_slice(fields);
        self.app
            .rejected_form_page(client, endpoint, &self.path(), &all)
            .await
    }

    /// Starts a thread or replies, and returns the new post's id.
    async fn post_in(
        &self,
        client: &reqwest::Client,
        module: i32,
        parent: Option<i32>,
        body: &str,
    ) -> i32 {
        let parent = parent.map(|id| id.to_string()).unwrap_or_default();
        let location = self
            .submit_in(
                client,
                module,
                "/api/discussion/post",
                &[("parent_id", &parent), ("body", body)],
            )
            .await;
        location
            .rsplit_once("#post-")
            .and_then(|(_, id)| id.parse().ok())
            .unwrap_or_else(|| panic!("no post id in {location}"))
    }

    async fn post(&self, client: &reqwest::Client, parent: Option<i32>, body: &str) -> i32 {
        self.post_in(client, self.module, parent, body).await
    }

    async fn follow(&self, client: &reqwest::Client, location: &str) -> String {
        client
            .get(self.app.url(location))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    async fn notifications_of(&self, user: i32) -> Vec<notifications::Model> {
        notifications::Entity::find()
            .filter(notifications::Column::UserId.eq(user))
            .all(&self.app.db)
            .await
            .unwrap()
    }
}

/// Returns the HTML of one post's `<article>`.
fn article(page: &str, post: i32) -> &str {
    let start = page
        .find(&format!("<article id=\"post-{post}\""))
        .unwrap_or_else(|| panic!("post {post} is not on the page"));
    let end = page[start..].find("</article>").unwrap() + start;
    &page[start..end]
}

/// Returns every tag in `html`, so that checks look at markup and not at text that
/// shows typed HTML.
fn tags(html: &str) -> Vec<&str> {
    html.split('<')
        .skip(1)
        .filter_map(|rest| rest.split_once('>').map(|(tag, _)| tag))
        .collect()
}

fn assert_no_active_markup(html: &str, label: &str) {
    for tag in tags(html) {
        let lower = tag.to_lowercase();
        for banned in ["script", "img", "iframe", "style"] {
            assert!(
                !lower.starts_with(banned),
                "{label} has a <{banned}> element: <{tag}>"
            );
        }
        for banned in ["onerror", "onclick", "onload", "javascript:"] {
            assert!(!lower.contains(banned), "{label} has {banned} in <{tag}>");
        }
    }
}

async fn post_first_hides_posts_until_fellow_posts(backend: Backend) {
    let world = arrange(backend).await;
    world
        .submit(
            &world.facilitator,
            "/api/discussion/settings",
            &[
                ("prompt", "Describe **one** family event you led."),
                ("post_first", "on"),
            ],
        )
        .await;
    let ben_thread = world
        .post(
            &world.ben_client,
            None,
            "Family nights at the library worked.",
        )
        .await;

    let ana_page = world.page(&world.ana_client).await;
    assert!(
        ana_page.contains("<strong>one</strong>"),
        "the prompt shows"
    );
    assert!(ana_page.contains("asks you to post first"));
    assert!(!ana_page.contains("Family nights at the library"));
    let json = world
        .ana_client
        .get(world.app.url(&format!(
            "/api/discussion?cohort_id={}&module_id={}",
            world.cohort, world.module
        )))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        !json.contains("Family nights"),
        "the JSON leaks a post: {json}"
    );
    for staff in [&world.facilitator, &world.coach] {
        assert!(
            world
                .page(staff)
                .await
                .contains("Family nights at the library")
        );
    }

    let page = world
        .rejected(
            &world.ana_client,
            "/api/discussion/post",
            &[("parent_id", &ben_thread.to_string()), ("body", "Agreed!")],
        )
        .await;
    assert!(
        page.contains("This discussion asks you to post first"),
        "{page}"
    );

    world
        .post(&world.ana_client, None, "We ran a math game night.")
        .await;
    let ana_page = world.page(&world.ana_client).await;
    assert!(ana_page.contains("Family nights at the library"));
    assert!(!ana_page.contains("asks you to post first"));
    world.app.stop().await;
}

async fn outsiders_are_forbidden(backend: Backend) {
    let world = arrange(backend).await;
    world.post(&world.ben_client, None, "Only for Ohio.").await;
    let page = world
        .outsider_client
        .get(world.app.url(&world.path()))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 403);
    assert!(!page.text().await.unwrap().contains("Only for Ohio"));
    let json = world
        .outsider_client
        .get(world.app.url(&format!(
            "/api/discussion?cohort_id={}&module_id={}",
            world.cohort, world.module
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(json.status(), 403);
    let cohort = world.cohort.to_string();
    let module = world.module.to_string();
    let write = post_form_as(
        &world.outsider_client,
        &world.app.url("/api/discussion/post"),
        &[
            ("cohort_id", &cohort),
            ("module_id", &module),
            ("body", "Hi"),
        ],
    )
    .await;
    assert_eq!(write.status(), 403);
    let anonymous = world.app.get(&world.path()).await;
    assert_eq!(anonymous.status(), 401);

    // A module of another cohort is not found under this cohort's address.
    let mixed = world
        .facilitator
        .get(world.app.url(&format!(
            "/cohorts/{}/modules/{}/discussion",
            world.cohort, world.other_module
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(mixed.status(), 404);
    world.app.stop().await;
}

async fn hidden_posts_show_reason_only(backend: Backend) {
    let world = arrange(backend).await;
    let post = world
        .post(&world.ben_client, None, "Text that breaks the norms.")
        .await;
    let post_id = post.to_string();

    let page = world
        .rejected(
            &world.facilitator,
            "/api/discussion/hide",
            &[("post_id", &post_id), ("reason", "too short")],
        )
        .await;
    assert!(
        page.contains("Give a reason of at least 10 characters"),
        "{page}"
    );
    assert!(page.contains("too short"), "the typed reason is kept");

    world
        .submit(
            &world.facilitator,
            "/api/discussion/hide",
            &[("post_id", &post_id), ("reason", "Names a student in full")],
        )
        .await;
    let hidden = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq(app::audit_actions::DISCUSSION_POST_HIDDEN))
        .all(&world.app.db)
        .await
        .unwrap();
    assert_eq!(hidden.len(), 1);
    assert_eq!(hidden[0].subject, format!("post {post}"));
    assert!(hidden[0].details.contains("Names a student in full"));

    let ana_page = world.page(&world.ana_client).await;
    let shown = article(&ana_page, post);
    assert!(shown.contains("Hidden by a facilitator: Names a student in full"));
    assert!(!ana_page.contains("Text that breaks the norms"));
    for (client, who) in [
        (&world.facilitator, "facilitator"),
        (&world.ben_client, "author"),
    ] {
        let page = world.page(client).await;
        assert!(
            article(&page, post).contains("Text that breaks the norms"),
            "the {who} sees the text"
        );
    }
    let page = world
        .rejected(
            &world.ana_client,
            "/api/discussion/post",
            &[("parent_id", &post_id), ("body", "Replying anyway")],
        )
        .await;
    assert!(
        page.contains("That post was hidden; reply to the thread instead."),
        "{page}"
    );
    assert!(page.contains("Replying anyway"), "the typed reply is kept");

    world
        .submit(
            &world.facilitator,
            "/api/discussion/unhide",
            &[("post_id", &post_id)],
        )
        .await;
    let unhidden = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq(app::audit_actions::DISCUSSION_POST_UNHIDDEN))
        .all(&world.app.db)
        .await
        .unwrap();
    assert_eq!(unhidden.len(), 1);
    assert!(
        world
            .page(&world.ana_client)
            .await
            .contains("Text that breaks the norms")
    );
    world.app.stop().await;
}

async fn deleted_post_keeps_its_replies(backend: Backend) {
    let world = arrange(backend).await;
    let thread = world
        .post(&world.ben_client, None, "A thread Ben regrets.")
        .await;
    let reply = world
        .post(&world.ana_client, Some(thread), "A reply that should stay.")
        .await;
    let lonely = world
        .post(&world.ben_client, None, "A lonely thread.")
        .await;

    let cohort = world.cohort.to_string();
    let module = world.module.to_string();
    let not_hers = post_form_as(
        &world.ana_client,
        &world.app.url("/api/discussion/delete"),
        &[
            ("cohort_id", &cohort),
            ("module_id", &module),
            ("post_id", &thread.to_string()),
        ],
    )
    .await;
    assert_eq!(not_hers.status(), 403, "deleting someone else's post");

    for id in [thread, lonely] {
        world
            .submit(
                &world.ben_client,
                "/api/discussion/delete",
                &[("post_id", &id.to_string())],
            )
            .await;
    }
    let page = world.page(&world.ana_client).await;
    assert!(article(&page, thread).contains("This post was deleted."));
    assert!(!page.contains("A thread Ben regrets"));
    assert!(article(&page, reply).contains("A reply that should stay."));
    assert!(
        !page.contains(&format!("id=\"post-{lonely}\"")),
        "a deleted post without replies disappears"
    );
    assert!(!page.contains("A lonely thread"));

    let page = world
        .rejected(
            &world.ana_client,
            "/api/discussion/post",
            &[("parent_id", &thread.to_string()), ("body", "One more")],
        )
        .await;
    assert!(
        page.contains("That post was deleted; reply to the thread instead."),
        "{page}"
    );
    world.app.stop().await;
}

async fn posts_and_prompt_are_sanitized(backend: Backend) {
    let world = arrange(backend).await;
    let attack = "Hi <script>alert(1)</script> <img src=x onerror=alert(2)> \
                  <a href=\"#\" onclick=\"steal()\">click</a> [link](javascript:alert(3)) \
                  <iframe src=\"https://evil.test\"></iframe> **bold**";
    let post = world.post(&world.ana_client, None, attack).await;
    world
        .submit(
            &world.facilitator,
            "/api/discussion/settings",
            &[("prompt", attack)],
        )
        .await;

    let page = world.page(&world.ben_client).await;
    let shown = article(&page, post);
    assert_no_active_markup(shown, "the post");
    assert!(
        shown.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "typed HTML shows as text"
    );
    assert!(
        shown.contains("<strong>bold</strong>"),
        "Markdown still works"
    );
    let prompt_start = page.find("id=\"prompt-heading\"").unwrap();
    let prompt_end = page[prompt_start..].find("</section>").unwrap() + prompt_start;
    assert_no_active_markup(&page[prompt_start..prompt_end], "the prompt");

    // The preview goes through the same sanitizer and keeps the typed text.
    let location = world
        .submit(
            &world.ben_client,
            "/api/discussion/preview",
            &[("body", attack)],
        )
        .await;
    assert!(location.contains("preview=1"), "{location}");
    let preview = world.follow(&world.ben_client, &location).await;
    let start = preview
        .find("class=\"discussion-preview\"")
        .expect("the preview shows");
    let end = preview[start..]
        .find("class=\"discussion-buttons\"")
        .unwrap()
        + start;
    assert_no_active_markup(&preview[start..end], "the preview");
    assert!(preview[start..end].contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(
        preview.contains("Hi &lt;script>alert(1)&lt;/script>"),
        "the textarea keeps the text"
    );
    world.app.stop().await;
}

async fn mentions_notify_cohort_members_only(backend: Backend) {
    let world = arrange(backend).await;
    let location = world
        .submit(
            &world.ana_client,
            "/api/discussion/post",
            &[(
                "body",
                "Thanks @ben ortiz, @Zed Outsider and @Nobody for the ideas. Also @Ana Lopez.",
            )],
        )
        .await;
    let post: i32 = location.rsplit_once("#post-").unwrap().1.parse().unwrap();
    let mentions = world.notifications_of(world.ben).await;
    assert_eq!(mentions.len(), 1);
    assert_eq!(mentions[0].kind, "mention");
    assert!(mentions[0].link.ends_with(&format!("#post-{post}")));
    assert!(
        world.notifications_of(world.outsider).await.is_empty(),
        "outsiders hear nothing"
    );
    assert!(
        world.notifications_of(world.ana).await.is_empty(),
        "no note to oneself"
    );

    let page = world.follow(&world.ana_client, &location).await;
    assert!(page.contains("Notified by mention: Ben Ortiz."), "{page}");
    assert!(page.contains("No one in this cohort is called @Zed; nobody was notified for it."));
    assert!(page.contains("No one in this cohort is called @Nobody; nobody was notified for it."));
    assert!(
        !page.contains("<li>Zed Outsider</li>"),
        "the member list leaves the outsider out"
    );
    assert!(
        page.contains("<li>Ben Ortiz</li>"),
        "the member list names Ben"
    );
    assert!(article(&page, post).contains("<span class=\"mention\">@ben ortiz</span>"));

    world
        .post(&world.ben_client, Some(post), "Happy to help.")
        .await;
    let replies = world.notifications_of(world.ana).await;
    assert_eq!(replies.len(), 1);
    assert_eq!(replies[0].kind, "reply");
    world.app.stop().await;
}

async fn bad_posts_and_replies_are_rejected(backend: Backend) {
    let world = arrange(backend).await;
    let elsewhere = world
        .post_in(
            &world.ben_client,
            world.second_module,
            None,
            "In the Design module.",
        )
        .await;
    let page = world
        .rejected(
            &world.ana_client,
            "/api/discussion/post",
            &[
                ("parent_id", &elsewhere.to_string()),
                ("body", "Wrong place reply"),
            ],
        )
        .await;
    assert!(
        page.contains("That post belongs to another discussion"),
        "{page}"
    );
    assert!(page.contains("Wrong place reply"));

    let page = world
        .rejected(
            &world.ana_client,
            "/api/discussion/post",
            &[("body", "   \n ")],
        )
        .await;
    assert!(
        page.contains("The post is empty. Write something before posting."),
        "{page}"
    );

    let long = format!("Keep me {}", "x".repeat(20_000));
    let page = world
        .rejected(
            &world.ana_client,
            "/api/discussion/post",
            &[("body", &long)],
        )
        .await;
    assert!(page.contains("over the limit of 20,000"), "{page}");
    assert!(page.contains(&long), "the typed text is kept");
    let count = posts::Entity::find()
        .all(&world.app.db)
        .await
        .unwrap()
        .len();
    assert_eq!(count, 1, "only the Design post exists");

    let page = world
        .rejected(
            &world.ana_client,
            "/api/discussion/settings",
            &[("prompt", "A prompt")],
        )
        .await;
    assert!(
        page.contains("You do not have permission"),
        "fellows cannot change the prompt"
    );
    world.app.stop().await;
}

async fn edits_keep_earlier_text(backend: Backend) {
    let world = arrange(backend).await;
    let post = world.post(&world.ana_client, None, "First draft.").await;
    let id = post.to_string();
    for body in ["Second draft.", "Third draft, thanks @Ben Ortiz."] {
        world
            .submit(
                &world.ana_client,
                "/api/discussion/edit",
                &[("post_id", &id), ("body", body)],
            )
            .await;
    }
    let revisions = post_revisions::Entity::find()
        .filter(post_revisions::Column::PostId.eq(post))
        .order_by_asc(post_revisions::Column::Id)
        .all(&world.app.db)
        .await
        .unwrap();
    let bodies: Vec<&str> = revisions
        .iter()
        .map(|revision| revision.body.as_str())
        .collect();
    assert_eq!(bodies, vec!["First draft.", "Second draft."]);
    let stored = posts::Entity::find_by_id(post)
        .one(&world.app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.body, "Third draft, thanks @Ben Ortiz.");
    assert!(stored.edited_at.is_some());
    assert_eq!(
        revisions[0].written_at, stored.created_at,
        "the first text dates from the post"
    );

    let page = world.page(&world.ben_client).await;
    let shown = article(&page, post);
    assert!(shown.contains("Edited "));
    assert!(shown.contains("Earlier versions (2)"));
    assert!(shown.contains("First draft."));
    assert!(shown.contains("Second draft."));
    let mentions = world.notifications_of(world.ben).await;
    assert_eq!(
        mentions.len(),
        1,
        "the edit that added the mention notified once"
    );

    // Taking the mention out and putting it back does not notify Ben again.
    for body in ["Fourth draft.", "Fifth draft, thanks @Ben Ortiz."] {
        world
            .submit(
                &world.ana_client,
                "/api/discussion/edit",
                &[("post_id", &id), ("body", body)],
            )
            .await;
    }
    assert_eq!(
        world.notifications_of(world.ben).await.len(),
        1,
        "a mention restored by an edit is not notified twice"
    );

    let cohort = world.cohort.to_string();
    let module = world.module.to_string();
    let response = post_form_as(
        &world.ben_client,
        &world.app.url("/api/discussion/edit"),
        &[
            ("cohort_id", &cohort),
            ("module_id", &module),
            ("post_id", &id),
            ("body", "Ben was here"),
        ],
    )
    .await;
    assert_eq!(response.status(), 403, "editing someone else's post");
    let stored = posts::Entity::find_by_id(post)
        .one(&world.app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.body, "Fifth draft, thanks @Ben Ortiz.");
    world.app.stop().await;
}

async fn unread_counts_follow_read_marker(backend: Backend) {
    let world = arrange(backend).await;
    let (first, second, third) = (world.module, world.second_module, world.third_module);
    let thread = world.post(&world.ben_client, None, "Ben one.").await;
    world
        .post(&world.ana_client, Some(thread), "Ana answers.")
        .await;
    world
        .post(&world.ben_client, Some(thread), "Ben two.")
        .await;
    world
        .post_in(&world.ben_client, second, None, "Ben in Design.")
        .await;

    let counts =
        app::discussions::store::unread_counts(&world.app.db, world.ana, &[first, second, third])
            .await
            .unwrap();
    assert_eq!(counts.get(&first), Some(&2));
    assert_eq!(counts.get(&second), Some(&1));
    assert_eq!(counts.get(&third), Some(&0));

    let page = world.page(&world.ana_client).await;
    assert!(page.contains("2 new posts"), "{page}");
    assert_eq!(page.matches(">New</span>").count(), 2);
    let counts = app::discussions::store::unread_counts(&world.app.db, world.ana, &[first])
        .await
        .unwrap();
    assert_eq!(counts.get(&first), Some(&0), "the visit moved the marker");
    let page = world.page(&world.ana_client).await;
    assert_eq!(page.matches(">New</span>").count(), 0);

    let later = world
        .post(&world.ben_client, Some(thread), "Ben three.")
        .await;
    let page = world.page(&world.ana_client).await;
    assert_eq!(page.matches(">New</span>").count(), 1);
    assert!(article(&page, later).contains(">New</span>"));

    // Where Ana must post first, nothing counts as unread for her.
    world
        .submit_in(
            &world.facilitator,
            second,
            "/api/discussion/settings",
            &[("prompt", ""), ("post_first", "on")],
        )
        .await;
    let counts = app::discussions::store::unread_counts(&world.app.db, world.ana, &[second])
        .await
        .unwrap();
    assert_eq!(counts.get(&second), Some(&0));
    let counts = app::discussions::store::unread_counts(&world.app.db, world.ben, &[second])
        .await
        .unwrap();
    assert_eq!(
        counts.get(&second),
        Some(&0),
        "Ben's own post is not unread"
    );
    world.app.stop().await;
}
