//! `vestibule seed-demo`: fills an EMPTY database with demo people, groups,
//! tags and memberships, so a newcomer sees a living app. It refuses to touch
//! a database that already has accounts, and nothing runs it automatically.

use super::groups::words::fold_words;
use super::store::{new_id, NewGroup, NewUser, Store};
use crate::domain::{GroupSettings, GroupSlug, GroupType, Tags};
use chrono::{Duration, Utc};

const PEOPLE: &[(&str, &str, &str)] = &[
    ("alice", "Alice", "Martin"),
    ("bob", "Bob", "Nguyen"),
    ("carol", "Carol", "Okafor"),
    ("dave", "Dave", "Schmidt"),
    ("erin", "Erin", "Kowalski"),
    ("frank", "Frank", "Rossi"),
    ("grace", "Grace", "Haddad"),
    ("heidi", "Heidi", "Larsen"),
];

const ADJECTIVES: &[&str] = &[
    "Friendly",
    "Curious",
    "Quiet",
    "Weekend",
    "Early",
    "Open",
    "Late-night",
    "Urban",
    "Green",
    "Happy",
    "Slow",
    "Bold",
    "Little",
    "Northern",
    "Southern",
    "Creative",
];
const NOUNS: &[&str] = &[
    "Readers",
    "Runners",
    "Coders",
    "Gardeners",
    "Bakers",
    "Cyclists",
    "Climbers",
    "Painters",
    "Chess Players",
    "Photographers",
    "Hikers",
    "Singers",
    "Makers",
    "Birdwatchers",
    "Linguists",
    "Café Lovers",
];
const PLACES: &[&str] = &[
    "Berlin",
    "Lisbon",
    "Montréal",
    "Kraków",
    "Osaka",
    "Nairobi",
    "Bogotá",
    "Zürich",
    "Oslo",
    "Austin",
    "Lyon",
    "São Paulo",
    "Tallinn",
    "Seoul",
    "Cork",
    "Málaga",
];
const TAGS: &[&str] = &[
    "books",
    "running",
    "rust",
    "gardening",
    "baking",
    "cycling",
    "climbing",
    "art",
    "chess",
    "photography",
    "hiking",
    "music",
    "diy",
    "nature",
    "languages",
    "coffee",
    "beginners",
    "weekly",
    "online",
    "café",
];

/// A tiny deterministic generator: the same demo every time.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Seeds `groups` groups (a few hundred for a demo; 100,000 for benchmarks).
pub async fn seed_demo(url: &str, groups: usize, password: &str) -> Result<(), String> {
    let store = Store::open(url, 4).await.map_err(|e| e.to_string())?;
    store.migrate().await.map_err(|e| e.to_string())?;
    if store.users.count().await.map_err(|e| e.to_string())? > 0 {
        return Err(
            "this database already has accounts; seed-demo only fills an empty database".into(),
        );
    }
    let now = Utc::now();
    let hash = super::passwords::Passwords::new(1)
        .map_err(|e| e.to_string())?
        .hash(&secrecy::SecretString::from(password.to_string()))
        .await
        .map_err(|e| e.to_string())?;
    let mut user_ids = Vec::new();
    for (username, first, last) in PEOPLE {
        let id = new_id();
        let email = format!("{username}@example.com");
        store
            .users
            .create(NewUser {
                id: &id,
                username,
                email: &email,
                hashed_password: &hash,
                now,
            })
            .await
            .map_err(|e| e.to_string())?;
        store
            .users
            .confirm_email(&id, &email, now)
            .await
            .map_err(|e| e.to_string())?;
        store
            .users
            .update_profile(
                &id,
                super::store::ProfileUpdate {
                    first_name: Some(first),
                    last_name: Some(last),
                    bio: None,
                    profile_picture_url: None,
                },
                now,
            )
            .await
            .map_err(|e| e.to_string())?;
        user_ids.push(id);
    }
    let mut rng = Lcg(42);
    let mut batch_specs = Vec::new();
    let mut memberships: Vec<(String, String, &'static str)> = Vec::new();
    let settings_plain = GroupSettings::default().to_json();
    let settings_question = GroupSettings::new(true, "What would you like to bring to the group?")
        .map(|s| s.to_json())
        .unwrap_or_else(|_| settings_plain.clone());
    for i in 0..groups {
        let adjective = ADJECTIVES[i % ADJECTIVES.len()];
        let noun = NOUNS[(i / ADJECTIVES.len()) % NOUNS.len()];
        let place = PLACES[(i / (ADJECTIVES.len() * NOUNS.len())) % PLACES.len()];
        let round = i / (ADJECTIVES.len() * NOUNS.len() * PLACES.len());
        let name = if round == 0 {
            format!("{adjective} {noun} of {place}")
        } else {
            format!("{adjective} {noun} of {place} {}", round + 1)
        };
        let slug = GroupSlug::suggest(&name);
        let mut tags: Vec<String> = Vec::new();
        for _ in 0..(1 + rng.below(3)) {
            let t = TAGS[rng.below(TAGS.len())].to_string();
            if !tags.contains(&t) {
                tags.push(t);
            }
        }
        let tags = Tags::parse(&tags.join(",")).map_err(|e| e.to_string())?;
        let description = format!(
            "A {} group for {} in {place}. We meet {} and welcome newcomers.",
            adjective.to_lowercase(),
            noun.to_lowercase(),
            [
                "every week",
                "twice a month",
                "online on Sundays",
                "when the weather is good"
            ][rng.below(4)]
        );
        let is_open = rng.below(10) < 7;
        let max_members = match rng.below(5) {
            0 => Some(5),
            1 => Some(50),
            _ => None,
        };
        let owner = rng.below(user_ids.len());
        let created = now - Duration::minutes((groups - i) as i64 * 37);
        batch_specs.push((
            new_id(),
            name,
            slug.clone(),
            description,
            rng.below(10) < 9,
            is_open,
            max_members,
            GroupType::ALL[rng.below(GroupType::ALL.len())].as_str(),
            tags,
            if is_open {
                settings_plain.clone()
            } else {
                settings_question.clone()
            },
            owner,
            created,
        ));
    }
    // Insert in chunks: one transaction each, so 100,000 groups take seconds.
    for chunk in batch_specs.chunks(2000) {
        let bodies: Vec<String> = chunk
            .iter()
            .map(|s| {
                let mut text = format!("{} {}", s.1, s.3);
                for t in s.8.list() {
                    text.push(' ');
                    text.push_str(t);
                }
                fold_words(&text).join(" ")
            })
            .collect();
        let joined: Vec<Option<String>> = chunk.iter().map(|s| s.8.joined()).collect();
        let new: Vec<NewGroup<'_>> = chunk
            .iter()
            .zip(bodies.iter())
            .zip(joined.iter())
            .map(|((s, body), tj)| NewGroup {
                id: &s.0,
                name: &s.1,
                slug: &s.2,
                description: Some(&s.3),
                is_public: s.4,
                is_open: s.5,
                is_system: false,
                max_members: s.6,
                group_type: s.7,
                tags: s.8.list(),
                tags_joined: tj.as_deref(),
                settings: &s.9,
                owner_id: &user_ids[s.10],
                search_body: body,
                owned_limit: None,
                now: s.11,
            })
            .collect();
        store.groups.create(&new).await.map_err(|e| e.to_string())?;
    }
    // Memberships: a few people in most groups; some requests waiting.
    for s in &batch_specs {
        let cap = s.6.unwrap_or(i32::MAX) as usize;
        let mut count = 1;
        for (u, uid) in user_ids.iter().enumerate() {
            if u == s.10 || rng.below(3) != 0 {
                continue;
            }
            if !s.5 && rng.below(2) == 0 {
                memberships.push((s.0.clone(), uid.clone(), "pending"));
            } else if count < cap {
                count += 1;
                let role = if rng.below(6) == 0 { "admin" } else { "member" };
                memberships.push((s.0.clone(), uid.clone(), role));
            }
        }
    }
    for chunk in memberships.chunks(5000) {
        store
            .groups
            .seed_members(chunk, now)
            .await
            .map_err(|e| e.to_string())?;
    }
    // One system group that everyone is in.
    let sys_id = new_id();
    let sys_body = fold_words("Everyone All members of this Vestibule announcements").join(" ");
    let sys_tags = Tags::parse("announcements").map_err(|e| e.to_string())?;
    let sys_joined = sys_tags.joined();
    store
        .groups
        .create(&[NewGroup {
            id: &sys_id,
            name: "Everyone",
            slug: "everyone",
            description: Some("All members of this Vestibule. Announcements go here."),
            is_public: true,
            is_open: false,
            is_system: true,
            max_members: None,
            group_type: GroupType::Community.as_str(),
            tags: sys_tags.list(),
            tags_joined: sys_joined.as_deref(),
            settings: &settings_plain,
            owner_id: &user_ids[0],
            search_body: &sys_body,
            owned_limit: None,
            now,
        }])
        .await
        .map_err(|e| e.to_string())?;
    let everyone: Vec<(String, String, &'static str)> = user_ids[1..]
        .iter()
        .map(|u| (sys_id.clone(), u.clone(), "member"))
        .collect();
    store
        .groups
        .seed_members(&everyone, now)
        .await
        .map_err(|e| e.to_string())?;
    store.db.analyze().await.map_err(|e| e.to_string())?;
    store.db.close().await;
    println!(
        "seeded {} people and {} groups; sign in as alice, bob, carol, … with the demo password",
        PEOPLE.len(),
        groups + 1
    );
    Ok(())
}
