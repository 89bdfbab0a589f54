//! One item of a module's materials: Markdown text, a link, a file or a video link.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "module_materials")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub module_id: i32,
    pub position: i32,
    /// `text`, `link`, `file` or `video`.
    pub kind: String,
    pub title: String,
    /// Markdown, rendered through the sanitiser when shown.
    pub body: String,
    pub url: Option<String>,
    /// The storage key of an uploaded file.
    pub file_key: Option<String>,
    pub file_name: Option<String>,
    pub file_type: Option<String>,
    pub file_size: Option<i64>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
