//! One piece of evidence in a fellow's library: an uploaded file, a link or a written
//! piece.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "evidence_items")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub owner_user_id: i32,
    /// `file`, `link` or `text`.
    pub kind: String,
    pub title: String,
    pub description: String,
    /// The stored blob's SHA-256, for files.
    pub file_sha256: Option<String>,
    pub file_size: Option<i64>,
    /// The media type decided from the file's content.
    pub file_mime: Option<String>,
    /// The normalized original file name.
    pub file_name: Option<String>,
    /// Set for office documents, which reviewers would rather read as PDF.
    pub pdf_preferred: bool,
    /// The author recorded in the document's metadata, when it names one.
    pub file_author: Option<String>,
    pub url: Option<String>,
    /// Markdown source of a written piece.
    pub body: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
