//! `extensions.code` on every error, set by one function for POST and the
//! websocket alike: each codes its answers once they are complete. (An
//! async-graphql extension did this before; with one registered, every
//! field of every response went through the extension chain, which cost
//! ~5 % of a nested query's CPU.)

use async_graphql::{Response, ServerError, Value};

use crate::error::AppError;
use crate::labels::Lang;

/// Writes the messages of `response`'s errors in `lang` (they are written
/// in English): in Vietnamese those a person may be shown.
pub fn translate(response: &mut Response, lang: Lang) {
    if lang == Lang::Vi {
        for error in &mut response.errors {
            if let Some(text) = error.source::<AppError>().and_then(message_vi) {
                error.message = text;
            }
        }
    }
}

/// The Vietnamese message of an error a person may be shown: missing
/// sign-in or rights, something not found, a conflict, a rule, a failure
/// of the server. Malformed input (BAD_USER_INPUT other than a rule) is
/// the client developer's to fix and stays English.
fn message_vi(error: &AppError) -> Option<String> {
    use crate::labels::Labelled;
    Some(match error {
        AppError::Unauthenticated => "Cần đăng nhập để thực hiện việc này.".to_owned(),
        AppError::Forbidden => "Bạn không có quyền thực hiện việc này.".to_owned(),
        AppError::NotFound(what) => format!("Không tìm thấy {}.", noun_vi(what)),
        AppError::Conflict(_) => "Yêu cầu trùng với một bản ghi đã có hoặc với một thay đổi vừa \
                                  được thực hiện; vui lòng tải lại và thử lại."
            .to_owned(),
        AppError::Internal(_) => "Hệ thống gặp lỗi; vui lòng thử lại sau.".to_owned(),
        AppError::Rule { code, vi, .. } => vi.clone().unwrap_or_else(|| code.label().to_owned()),
        AppError::Invalid(_) => return None,
    })
}

/// The Vietnamese noun of what [`AppError::NotFound`] names.
fn noun_vi(what: &str) -> &'static str {
    match what {
        "unit" | "province" => "đơn vị hành chính hoặc cơ quan",
        "mandate" => "nội dung phân cấp, ủy quyền",
        "document" => "văn bản",
        "report" => "báo cáo",
        "compilation" => "báo cáo tổng hợp",
        "regime" => "chế độ báo cáo",
        "period" => "kỳ báo cáo",
        "proposal" => "đề nghị",
        "opinion request" => "yêu cầu góp ý",
        "plan" => "kế hoạch",
        "task" => "nhiệm vụ",
        "user" => "tài khoản",
        "role grant" => "quyền được giao",
        "webhook" => "webhook",
        "delivery" => "lần gửi",
        "assignment" => "cơ quan nhận",
        "inspection" => "cuộc kiểm tra",
        "evaluation" => "đánh giá",
        "evaluation round" => "đợt đánh giá",
        "inspection finding" => "kết luận kiểm tra",
        "inspection recommendation" => "kiến nghị sau kiểm tra",
        "attachment" => "tệp đính kèm",
        "rollup" => "số liệu tổng hợp",
        "status" => "trạng thái",
        "matter" => "thủ tục, nhiệm vụ trong danh mục",
        _ => "đối tượng được yêu cầu",
    }
}

/// `response` with every error coded ([`set_code`]).
pub fn code_all(mut response: Response) -> Response {
    for error in &mut response.errors {
        set_code(error);
    }
    response
}

/// Sets `extensions.code` from the error's [`AppError`] source, logging an
/// internal cause once (its message to the client is already generic).
/// An error that already carries a code keeps it (and is not logged
/// again); any other comes from
/// parsing, validation, limits or argument coercion: the caller's query
/// was wrong, so BAD_USER_INPUT. Returns the code.
pub fn set_code(error: &mut ServerError) -> String {
    if let Some(Value::String(code)) = error.extensions.as_ref().and_then(|e| e.get("code")) {
        return code.clone();
    }
    if let Some(app) = error.source::<AppError>() {
        if let AppError::Internal(cause) = app {
            tracing::error!(error = %cause, path = ?error.path, "internal error");
        }
        let code = app.code();
        error
            .extensions
            .get_or_insert_with(Default::default)
            .set("code", code);
        return code.to_owned();
    }
    error
        .extensions
        .get_or_insert_with(Default::default)
        .set("code", "BAD_USER_INPUT");
    "BAD_USER_INPUT".to_owned()
}

/// An error with `code`, for refusals made outside a resolver.
pub fn coded_error(message: impl Into<String>, code: &str) -> ServerError {
    let mut error = ServerError::new(message, None);
    error
        .extensions
        .get_or_insert_with(Default::default)
        .set("code", code);
    error
}
