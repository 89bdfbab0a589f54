//! Data Integrity proofs with the `eddsa-rdfc-2022` cryptosuite: the credential and the
//! proof options are turned into RDF with the bundled JSON-LD contexts, canonicalized
//! with RDFC-1.0, hashed with SHA-256 and signed with Ed25519.
//!
//! Nothing is fetched from the network: a context that is not bundled is an error.

use std::collections::HashSet;

use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde_json::{Map, Value, json};
use sha2_11::{Digest, Sha256};
use sophia_api::MownStr;
use sophia_api::term::{BnodeId, IriRef, LanguageTag, SimpleTerm};

/// The W3C Verifiable Credentials 2.0 context.
pub const VC_CONTEXT: &str = "https://www.w3.org/ns/credentials/v2";
/// The Open Badges 3.0 context, version 3.0.3.
pub const OB_CONTEXT: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";
pub const CRYPTOSUITE: &str = "eddsa-rdfc-2022";
/// The JSON canonicalization cryptosuite, for documents whose contexts are not bundled.
pub const JCS_CRYPTOSUITE: &str = "eddsa-jcs-2022";
const XSD_STRING: &str = "http://www.w3.org/2001/XMLSchema#string";
/// The multicodec prefix of an Ed25519 public key in a Multikey.
const ED25519_PUB_PREFIX: [u8; 2] = [0xed, 0x01];
/// Terms that the bundled contexts leave undefined expand under this vocabulary, so
/// that a property the signature would not cover is found instead of ignored.
const UNDEFINED_VOCAB: &str = "urn:tli-hub:undefined-term#";

/// The contexts a credential may use, each bundled with the program.
const BUNDLED: [(&str, &str); 2] = [
    (
        VC_CONTEXT,
        include_str!("../../standards/credentials-v2.jsonld"),
    ),
    (
        OB_CONTEXT,
        include_str!("../../standards/context-3.0.3.json"),
    ),
];

/// Failure to canonicalize, sign or verify a document.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProofError {
    #[error("the credential uses the context {0}, which this verifier does not know")]
    UnknownContext(String),
    #[error("the credential is not valid JSON-LD: {0}")]
    Syntax(String),
    #[error("the credential has properties that its contexts do not define: {}", .0.join(", "))]
    UndefinedTerms(Vec<String>),
    #[error("the credential is too complex to check: {0}")]
    TooComplex(String),
    #[error("the credential has no proof")]
    MissingProof,
    #[error("the proof is not an {CRYPTOSUITE} or {JCS_CRYPTOSUITE} Data Integrity proof")]
    UnsupportedProof,
    #[error("the proof value is not a base58 multibase Ed25519 signature")]
    MalformedProofValue,
    #[error(
        "the signature does not match: the credential was changed after it was signed, or another key signed it"
    )]
    BadSignature,
}

/// Returns the bundled text of `url`, or `None` when the context is not bundled.
pub fn bundled_context(url: &str) -> Option<&'static str> {
    BUNDLED
        .iter()
        .find(|(known, _)| *known == url)
        .map(|(_, text)| *text)
}

/// Lists every context URL `document` names, in order. Inline contexts are reported as
/// unknown, because a credential from this issuer never has one.
fn context_urls(document: &Value) -> Result<Vec<String>, ProofError> {
    let contexts = match document.get("@context") {
        Some(Value::Array(items)) => items.clone(),
        Some(single) => vec![single.clone()],
        None => return Err(ProofError::UnknownContext("(none)".into())),
    };
    contexts
        .into_iter()
        .map(|context| match context {
            Value::String(url) if bundled_context(&url).is_some() => Ok(url),
            Value::String(url) => Err(ProofError::UnknownContext(url)),
            _ => Err(ProofError::UnknownContext("(an inline context)".into())),
        })
        .collect()
}

type Quad = ([SimpleTerm<'static>; 3], Option<SimpleTerm<'static>>);

fn iri(value: String) -> SimpleTerm<'static> {
    SimpleTerm::Iri(IriRef::new_unchecked(MownStr::from(value)))
}

fn term(term: oxrdf::Term) -> SimpleTerm<'static> {
    match term {
        oxrdf::Term::NamedNode(node) => iri(node.into_string()),
        oxrdf::Term::BlankNode(node) => {
            SimpleTerm::BlankNode(BnodeId::new_unchecked(MownStr::from(node.into_string())))
        }
        oxrdf::Term::Literal(literal) => {
            let (value, datatype, language) = literal.destruct();
            match language {
                Some(language) => SimpleTerm::LiteralLanguage(
                    MownStr::from(value),
                    LanguageTag::new_unchecked(MownStr::from(language)),
                    None,
                ),
                None => SimpleTerm::LiteralDatatype(
                    MownStr::from(value),
                    IriRef::new_unchecked(MownStr::from(
                        datatype.map_or_else(|| XSD_STRING.to_owned(), |kind| kind.into_string()),
                    )),
                ),
            }
        }
    }
}

/// Turns `document` into RDF quads with the bundled contexts.
fn to_rdf(document: &Value) -> Result<Vec<oxrdf::Quad>, ProofError> {
    let bytes =
        serde_json::to_vec(document).map_err(|error| ProofError::Syntax(error.to_string()))?;
    oxjsonld::JsonLdParser::new()
        .for_slice(&bytes)
        .with_load_document_callback(|url, _| match bundled_context(url) {
            Some(text) => Ok(oxjsonld::JsonLdRemoteDocument {
                document: text.as_bytes().to_vec(),
                document_url: url.to_owned(),
            }),
            None => Err(ProofError::UnknownContext(url.to_owned()).into()),
        })
        .map(|quad| quad.map_err(|error| ProofError::Syntax(error.to_string())))
        .collect()
}

/// Returns the RDFC-1.0 canonical N-Quads of `document`, after checking that it names only
/// bundled contexts and that every property it uses is defined by them.
pub fn canonical_nquads(document: &Value) -> Result<String, ProofError> {
    let urls = context_urls(document)?;
    let mut dropped = Vec::new();
    droppable_content(document, &mut dropped);
    if !dropped.is_empty() {
        return Err(ProofError::UndefinedTerms(dropped));
    }
    let undefined = undefined_terms(document, &urls)?;
    if !undefined.is_empty() {
        return Err(ProofError::UndefinedTerms(undefined));
    }
    let quads: HashSet<Quad> = to_rdf(document)?
        .into_iter()
        .map(|quad| {
            let graph = match quad.graph_name {
                oxrdf::GraphName::DefaultGraph => None,
                oxrdf::GraphName::NamedNode(node) => Some(term(node.into())),
                oxrdf::GraphName::BlankNode(node) => Some(term(node.into())),
            };
            (
                [
                    term(quad.subject.into()),
                    term(quad.predicate.into()),
                    term(quad.object),
                ],
                graph,
            )
        })
        .collect();
    let mut out = Vec::new();
    sophia_c14n::rdfc10::normalize(&quads, &mut out).map_err(|error| match error {
        sophia_c14n::C14nError::ToxicGraph(reason) => ProofError::TooComplex(reason),
        other => ProofError::Syntax(other.to_string()),
    })?;
    String::from_utf8(out).map_err(|error| ProofError::Syntax(error.to_string()))
}

/// JSON-LD keywords a credential may use as keys.
const KEYWORDS: &[&str] = &[
    "@context",
    "@id",
    "@type",
    "@value",
    "@language",
    "@direction",
    "@list",
    "@set",
    "@graph",
    "@index",
    "@json",
    "@nest",
    "@reverse",
    "@included",
];

/// True for a name JSON-LD can map to an IRI: a term such as `achievementType` or
/// `1EdTechJsonSchemaValidator2019`, or an absolute or compact IRI without spaces.
fn mappable_name(name: &str) -> bool {
    let term = !name.is_empty()
        && name
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'_' | b'-' | b'.'));
    let iri = name.split_once(':').is_some_and(|(scheme, rest)| {
        !scheme.is_empty()
            && scheme
                .bytes()
                .all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'+' | b'-' | b'.'))
            && !rest.is_empty()
            && !rest
                .chars()
                .any(|c| c.is_whitespace() || "<>\"{}|\\^`".contains(c))
    });
    term || iri
}

/// Lists content that the JSON-LD algorithms drop without an error, so that a
/// signature would not cover it: keys that look like keywords or blank nodes, names,
/// types and ids that are not valid IRIs, and invalid language tags. The contexts are
/// not inspected.
fn droppable_content(value: &Value, found: &mut Vec<String>) {
    match value {
        Value::Object(fields) => {
            for (key, field) in fields {
                if key == "@context" {
                    continue;
                }
                let keyword = key.starts_with('@');
                if (keyword && !KEYWORDS.contains(&key.as_str()))
                    || key.starts_with("_:")
                    || (!keyword && !mappable_name(key))
                {
                    found.push(key.clone());
                    continue;
                }
                let names: Vec<&Value> = match field {
                    Value::Array(items) => items.iter().collect(),
                    other => vec![other],
                };
                match key.as_str() {
                    "type" | "@type" => found.extend(
                        names
                            .iter()
                            .filter_map(|name| name.as_str())
                            .filter(|name| !mappable_name(name))
                            .map(|name| format!("type {name}")),
                    ),
                    "id" | "@id" => found.extend(
                        names
                            .iter()
                            .filter_map(|id| id.as_str())
                            .filter(|id| !id.contains(':') || !mappable_name(id))
                            .map(|id| format!("id {id}")),
                    ),
                    "@language" => {
                        let valid = field.as_str().is_some_and(|tag| {
                            tag.split('-').all(|part| {
                                (1..=8).contains(&part.len())
                                    && part.bytes().all(|byte| byte.is_ascii_alphanumeric())
                            })
                        });
                        if !valid {
                            found.push(format!("language {field}"));
                        }
                    }
                    _ => {}
                }
                droppable_content(field, found);
            }
        }
        Value::Array(items) => {
            for item in items {
                droppable_content(item, found);
            }
        }
        _ => {}
    }
}

/// Lists the properties and types in `document` that its contexts leave undefined. The
/// JSON-LD algorithms drop such properties silently, so a signature would not cover
/// them.
fn undefined_terms(document: &Value, urls: &[String]) -> Result<Vec<String>, ProofError> {
    let mut probe = document.clone();
    let mut contexts: Vec<Value> = urls.iter().cloned().map(Value::String).collect();
    contexts.push(json!({ "@vocab": UNDEFINED_VOCAB }));
    probe["@context"] = Value::Array(contexts);
    let mut found: Vec<String> = Vec::new();
    for quad in to_rdf(&probe)? {
        let mut names = vec![quad.predicate.as_str().to_owned()];
        if let oxrdf::Term::NamedNode(object) = &quad.object {
            names.push(object.as_str().to_owned());
        }
        for name in names {
            if let Some(term) = name.strip_prefix(UNDEFINED_VOCAB)
                && !found.iter().any(|seen| seen == term)
            {
                found.push(term.to_owned());
            }
        }
    }
    Ok(found)
}

/// Builds the options of a new proof, without its value.
pub fn proof_options(verification_method: &str, created: &str) -> Value {
    suite_options(CRYPTOSUITE, verification_method, created)
}

fn suite_options(suite: &str, verification_method: &str, created: &str) -> Value {
    json!({
        "type": "DataIntegrityProof",
        "created": created,
        "verificationMethod": verification_method,
        "cryptosuite": suite,
        "proofPurpose": "assertionMethod",
    })
}

/// Returns the RFC 8785 (JCS) canonical form of `value`.
fn jcs(value: &Value) -> Result<String, ProofError> {
    serde_json_canonicalizer::to_string(value)
        .map_err(|error| ProofError::Syntax(error.to_string()))
}

/// Returns the bytes that `eddsa-rdfc-2022` signs: the hash of the canonical proof options
/// followed by the hash of the canonical document without its proof.
pub fn signing_input(document: &Value, options: &Value) -> Result<Vec<u8>, ProofError> {
    let mut unsigned = document.clone();
    if let Some(object) = unsigned.as_object_mut() {
        object.remove("proof");
    }
    let mut config = options.clone();
    if let Some(object) = config.as_object_mut() {
        object.remove("proofValue");
        object.insert("@context".into(), document["@context"].clone());
    }
    let canonical = if config.get("cryptosuite").and_then(Value::as_str) == Some(JCS_CRYPTOSUITE) {
        jcs
    } else {
        canonical_nquads
    };
    let document_hash = Sha256::digest(canonical(&unsigned)?.as_bytes());
    let options_hash = Sha256::digest(canonical(&config)?.as_bytes());
    let mut input = options_hash.to_vec();
    input.extend_from_slice(&document_hash);
    Ok(input)
}

/// Returns `document` with a proof by `key`, as a one-element `proof` array.
pub fn sign(
    document: &Value,
    key: &SigningKey,
    verification_method: &str,
    created: &str,
) -> Result<Value, ProofError> {
    sign_with(CRYPTOSUITE, document, key, verification_method, created)
}

/// Returns `document` with an `eddsa-jcs-2022` proof by `key`. It canonicalizes JSON
/// rather than RDF, so it needs no JSON-LD context.
pub fn sign_jcs(
    document: &Value,
    key: &SigningKey,
    verification_method: &str,
    created: &str,
) -> Result<Value, ProofError> {
    sign_with(JCS_CRYPTOSUITE, document, key, verification_method, created)
}

fn sign_with(
    suite: &str,
    document: &Value,
    key: &SigningKey,
    verification_method: &str,
    created: &str,
) -> Result<Value, ProofError> {
    let mut options = suite_options(suite, verification_method, created);
    let signature = key.sign(&signing_input(document, &options)?);
    options["proofValue"] = Value::String(multibase(&signature.to_bytes()));
    let mut signed = document.clone();
    signed["proof"] = Value::Array(vec![options]);
    Ok(signed)
}

/// Returns the first proof of `document`, whether `proof` is an object or an array.
pub fn first_proof(document: &Value) -> Result<&Map<String, Value>, ProofError> {
    let proof = match document.get("proof") {
        Some(Value::Array(items)) => items.first(),
        Some(single) => Some(single),
        None => None,
    };
    proof
        .and_then(Value::as_object)
        .ok_or(ProofError::MissingProof)
}

/// Checks the first proof of `document` against `key`.
pub fn verify(document: &Value, key: &VerifyingKey) -> Result<(), ProofError> {
    let proof = first_proof(document)?;
    let suite = proof.get("cryptosuite").and_then(Value::as_str);
    if proof.get("type").and_then(Value::as_str) != Some("DataIntegrityProof")
        || !matches!(suite, Some(CRYPTOSUITE | JCS_CRYPTOSUITE))
    {
        return Err(ProofError::UnsupportedProof);
    }
    let value = proof
        .get("proofValue")
        .and_then(Value::as_str)
        .and_then(decode_multibase)
        .ok_or(ProofError::MalformedProofValue)?;
    let signature = Signature::from_slice(&value).map_err(|_| ProofError::MalformedProofValue)?;
    let input = signing_input(document, &Value::Object(proof.clone()))?;
    key.verify(&input, &signature)
        .map_err(|_| ProofError::BadSignature)
}

/// Encodes `bytes` as base58btc multibase (a leading `z`).
pub fn multibase(bytes: &[u8]) -> String {
    format!("z{}", bs58::encode(bytes).into_string())
}

fn decode_multibase(text: &str) -> Option<Vec<u8>> {
    bs58::decode(text.strip_prefix('z')?).into_vec().ok()
}

/// Encodes an Ed25519 public key as a Multikey: `z6Mk…`.
pub fn public_key_multibase(key: &VerifyingKey) -> String {
    let mut bytes = ED25519_PUB_PREFIX.to_vec();
    bytes.extend_from_slice(key.as_bytes());
    multibase(&bytes)
}

/// Reads an Ed25519 public key from its Multikey form.
pub fn key_from_multibase(text: &str) -> Option<VerifyingKey> {
    let bytes = decode_multibase(text)?;
    let raw = bytes.strip_prefix(&ED25519_PUB_PREFIX[..])?;
    VerifyingKey::from_bytes(raw.try_into().ok()?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const VECTOR: &str = include_str!("../../standards/testvector/signing-testvector.json");
    const DOCUMENT_CANON: &str =
        include_str!("../../standards/testvector/testvector-document-canon.txt");
    const PROOF_CANON: &str = include_str!("../../standards/testvector/testvector-proof-canon.txt");

    fn vector() -> Value {
        serde_json::from_str(VECTOR).unwrap()
    }

    fn vector_key(vector: &Value) -> SigningKey {
        let private = hex_bytes(vector["key"]["private_key_hex"].as_str().unwrap());
        SigningKey::from_bytes(private[..32].try_into().unwrap())
    }

    fn hex_bytes(text: &str) -> Vec<u8> {
        (0..text.len())
            .step_by(2)
            .map(|at| u8::from_str_radix(&text[at..at + 2], 16).unwrap())
            .collect()
    }

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|byte| format!("{byte:02x}")).collect()
    }

    #[test]
    fn sign_reproduces_open_badges_vector() {
        let vector = vector();
        let document = &vector["unsigned_credential"];
        let options = &vector["proof_options"];
        let expected = &vector["expected"];

        assert_eq!(canonical_nquads(document).unwrap(), DOCUMENT_CANON);
        let mut config = options.clone();
        config["@context"] = document["@context"].clone();
        assert_eq!(canonical_nquads(&config).unwrap(), PROOF_CANON);
        assert_eq!(
            hex(&Sha256::digest(DOCUMENT_CANON.as_bytes())),
            expected["document_hash_hex"].as_str().unwrap()
        );
        assert_eq!(
            hex(&Sha256::digest(PROOF_CANON.as_bytes())),
            expected["proof_hash_hex"].as_str().unwrap()
        );

        let key = vector_key(&vector);
        assert_eq!(
            public_key_multibase(&key.verifying_key()),
            vector["key"]["public_key_multibase"].as_str().unwrap()
        );
        let signed = sign(
            document,
            &key,
            options["verificationMethod"].as_str().unwrap(),
            options["created"].as_str().unwrap(),
        )
        .unwrap();
        let proof = first_proof(&signed).unwrap();
        let value = proof["proofValue"].as_str().unwrap();
        assert_eq!(value, expected["proof_value"].as_str().unwrap());
        assert_eq!(
            hex(&decode_multibase(value).unwrap()),
            expected["signature_hex"].as_str().unwrap()
        );
        verify(&signed, &key.verifying_key()).unwrap();
    }

    #[test]
    fn verify_rejects_edits_and_other_keys() {
        let vector = vector();
        let key = vector_key(&vector);
        let signed = sign(
            &vector["unsigned_credential"],
            &key,
            "https://example.edu/issuers/565049#key",
            "2010-01-01T19:23:24Z",
        )
        .unwrap();

        let mut changed = signed.clone();
        changed["name"] = json!("Teamwork Badge (edited)");
        assert_eq!(
            verify(&changed, &key.verifying_key()),
            Err(ProofError::BadSignature)
        );

        let other = SigningKey::from_bytes(&[7; 32]);
        assert_eq!(
            verify(&signed, &other.verifying_key()),
            Err(ProofError::BadSignature)
        );

        let mut proof_changed = signed.clone();
        proof_changed["proof"][0]["created"] = json!("2011-01-01T00:00:00Z");
        assert_eq!(
            verify(&proof_changed, &key.verifying_key()),
            Err(ProofError::BadSignature)
        );
    }

    #[test]
    fn canonical_rejects_undefined_terms() {
        let vector = vector();
        let mut document = vector["unsigned_credential"].clone();
        document["credentialSubject"]["favouriteColour"] = json!("green");
        assert_eq!(
            canonical_nquads(&document),
            Err(ProofError::UndefinedTerms(vec!["favouriteColour".into()]))
        );

        let mut document = vector["unsigned_credential"].clone();
        document["@context"][1] = json!("https://example.com/context.json");
        assert_eq!(
            canonical_nquads(&document),
            Err(ProofError::UnknownContext(
                "https://example.com/context.json".into()
            ))
        );

        let mut document = vector["unsigned_credential"].clone();
        document["@context"][1] = json!({ "name": "https://example.com/name" });
        assert!(matches!(
            canonical_nquads(&document),
            Err(ProofError::UnknownContext(_))
        ));
    }

    #[test]
    fn verify_names_missing_or_bad_proof() {
        let vector = vector();
        let key = vector_key(&vector).verifying_key();
        let document = vector["unsigned_credential"].clone();
        assert_eq!(verify(&document, &key), Err(ProofError::MissingProof));

        let mut odd = document.clone();
        odd["proof"] = json!([{ "type": "Ed25519Signature2020", "proofValue": "z1" }]);
        assert_eq!(verify(&odd, &key), Err(ProofError::UnsupportedProof));

        let mut broken = document.clone();
        broken["proof"] = json!({
            "type": "DataIntegrityProof", "cryptosuite": CRYPTOSUITE, "proofValue": "not base58!"
        });
        assert_eq!(verify(&broken, &key), Err(ProofError::MalformedProofValue));
    }

    #[test]
    fn jcs_proofs_sign_and_verify_without_contexts() {
        let key = SigningKey::from_bytes(&[5; 32]);
        let document = json!({
            "@context": [VC_CONTEXT, "https://example.org/not-bundled.json"],
            "b": 1,
            "a": "text",
        });
        let signed = sign_jcs(
            &document,
            &key,
            "https://example.org/i#k",
            "2026-01-01T00:00:00Z",
        )
        .unwrap();
        assert_eq!(
            first_proof(&signed).unwrap()["cryptosuite"],
            JCS_CRYPTOSUITE
        );
        verify(&signed, &key.verifying_key()).unwrap();
        let mut changed = signed.clone();
        changed["a"] = json!("other");
        assert_eq!(
            verify(&changed, &key.verifying_key()),
            Err(ProofError::BadSignature)
        );
    }

    #[test]
    fn multikey_round_trips() {
        let key = SigningKey::from_bytes(&[3; 32]).verifying_key();
        let text = public_key_multibase(&key);
        assert!(text.starts_with("z6Mk"));
        assert_eq!(key_from_multibase(&text), Some(key));
        assert_eq!(key_from_multibase(&multibase(&[0x12, 0x00, 1, 2, 3])), None);
        assert_eq!(key_from_multibase("not multibase"), None);
    }
}
