//! A small GeoIP2-City database written for the tests, in the MaxMind DB
//! format (<https://maxmind.github.io/MaxMind-DB/>): an IPv4 search tree with
//! 24-bit records, a data section of City records, and the metadata. The
//! server opens it with the same reader it uses for a real GeoLite2 file, so
//! the location and new-country code paths run as they do in production.

use std::net::Ipv4Addr;

/// One network of the fixture and the place it is in.
pub struct Place {
    pub network: Ipv4Addr,
    pub prefix: u8,
    pub country: &'static str,
    pub city: &'static str,
}

/// A search-tree record while the tree is built.
#[derive(Clone, Copy)]
enum Rec {
    Empty,
    Node(usize),
    Data(usize),
}

/// The control bytes of a field of type `kind` and `size` (the format's
/// "extended" types are 8 and up).
fn control(out: &mut Vec<u8>, kind: u8, size: usize) {
    let (bits, extra): (u8, Vec<u8>) = match size {
        0..=28 => (size as u8, vec![]),
        29..=284 => (29, vec![(size - 29) as u8]),
        _ => panic!("the fixture has no field this long"),
    };
    if kind <= 7 {
        out.push(kind << 5 | bits);
    } else {
        out.push(bits);
        out.push(kind - 7);
    }
    out.extend(extra);
}

fn string(out: &mut Vec<u8>, s: &str) {
    control(out, 2, s.len());
    out.extend_from_slice(s.as_bytes());
}

/// An unsigned integer of `kind` (5 = uint16, 6 = uint32, 9 = uint64),
/// big-endian without leading zero bytes.
fn uint(out: &mut Vec<u8>, kind: u8, v: u64) {
    let bytes: Vec<u8> = v
        .to_be_bytes()
        .into_iter()
        .skip_while(|b| *b == 0)
        .collect();
    control(out, kind, bytes.len());
    out.extend(bytes);
}

fn map_header(out: &mut Vec<u8>, pairs: usize) {
    control(out, 7, pairs);
}

/// `{"names": {"en": name}}`
fn named(out: &mut Vec<u8>, name: &str) {
    map_header(out, 1);
    string(out, "names");
    map_header(out, 1);
    string(out, "en");
    string(out, name);
}

/// The database's bytes.
pub fn city_db(places: &[Place]) -> Vec<u8> {
    // Data section: one City record per place.
    let mut data = Vec::new();
    let mut offsets = Vec::new();
    for p in places {
        offsets.push(data.len());
        map_header(&mut data, 2);
        string(&mut data, "city");
        named(&mut data, p.city);
        string(&mut data, "country");
        named(&mut data, p.country);
    }
    // Search tree: a binary trie over the networks' leading bits.
    let mut nodes: Vec<[Rec; 2]> = vec![[Rec::Empty; 2]];
    for (i, p) in places.iter().enumerate() {
        assert!((1..=32).contains(&p.prefix));
        let bits = u32::from(p.network);
        let mut node = 0;
        for depth in 0..p.prefix {
            let bit = ((bits >> (31 - depth)) & 1) as usize;
            if depth + 1 == p.prefix {
                nodes[node][bit] = Rec::Data(offsets[i]);
            } else {
                node = match nodes[node][bit] {
                    Rec::Node(n) => n,
                    Rec::Empty => {
                        nodes.push([Rec::Empty; 2]);
                        let n = nodes.len() - 1;
                        nodes[node][bit] = Rec::Node(n);
                        n
                    }
                    Rec::Data(_) => panic!("the fixture's networks overlap"),
                };
            }
        }
    }
    let count = nodes.len();
    let mut out = Vec::new();
    for node in &nodes {
        for rec in node {
            let v = match *rec {
                Rec::Empty => count,
                Rec::Node(n) => n,
                Rec::Data(off) => count + 16 + off,
            };
            assert!(v < 1 << 24);
            out.extend_from_slice(&(v as u32).to_be_bytes()[1..]);
        }
    }
    out.extend_from_slice(&[0u8; 16]);
    out.extend(data);
    // Metadata.
    out.extend_from_slice(b"\xab\xcd\xefMaxMind.com");
    map_header(&mut out, 9);
    string(&mut out, "binary_format_major_version");
    uint(&mut out, 5, 2);
    string(&mut out, "binary_format_minor_version");
    uint(&mut out, 5, 0);
    string(&mut out, "build_epoch");
    uint(&mut out, 9, 1_700_000_000);
    string(&mut out, "database_type");
    string(&mut out, "GeoIP2-City");
    string(&mut out, "description");
    map_header(&mut out, 1);
    string(&mut out, "en");
    string(&mut out, "Vestibule test fixture");
    string(&mut out, "ip_version");
    uint(&mut out, 5, 4);
    string(&mut out, "languages");
    control(&mut out, 11, 1);
    string(&mut out, "en");
    string(&mut out, "node_count");
    uint(&mut out, 6, count as u64);
    string(&mut out, "record_size");
    uint(&mut out, 5, 24);
    out
}

/// The fixture the tests use: Paris, Lyon and Osaka.
pub fn fixture() -> Vec<u8> {
    city_db(&[
        Place {
            network: Ipv4Addr::new(81, 0, 0, 0),
            prefix: 8,
            country: "France",
            city: "Paris",
        },
        Place {
            network: Ipv4Addr::new(90, 64, 0, 0),
            prefix: 12,
            country: "France",
            city: "Lyon",
        },
        Place {
            network: Ipv4Addr::new(133, 0, 0, 0),
            prefix: 8,
            country: "Japan",
            city: "Osaka",
        },
    ])
}

#[test]
fn the_fixture_reads_back_with_the_servers_reader() {
    let reader = maxminddb::Reader::from_source(fixture()).expect("a valid database");
    let look = |ip: &str| {
        let city: maxminddb::geoip2::City = reader.lookup(ip.parse().unwrap()).ok()?;
        let en = |n: Option<std::collections::BTreeMap<&str, &str>>| {
            n.and_then(|m| m.get("en").map(|s| s.to_string()))
        };
        Some((
            en(city.city.and_then(|c| c.names)),
            en(city.country.and_then(|c| c.names)),
        ))
    };
    assert_eq!(
        look("81.2.3.4"),
        Some((Some("Paris".into()), Some("France".into())))
    );
    assert_eq!(
        look("90.70.1.1"),
        Some((Some("Lyon".into()), Some("France".into())))
    );
    assert_eq!(
        look("133.9.9.9"),
        Some((Some("Osaka".into()), Some("Japan".into())))
    );
    assert_eq!(look("90.128.0.1"), None, "outside every network");
    assert_eq!(look("10.0.0.1"), None);
}
