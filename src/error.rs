//! The one error type of phancap and the stable codes clients see.

use std::sync::Arc;

use async_graphql::Enum;
use sea_orm::{DbErr, SqlErr};

/// Every failure a service or resolver can return. The variant decides the
/// `extensions.code` a client sees; internal causes are logged, never sent.
#[derive(Debug, Clone, thiserror::Error)]
pub enum AppError {
    #[error("authentication required")]
    Unauthenticated,
    #[error("not allowed")]
    Forbidden,
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    Conflict(String),
    /// A failure that is not the caller's: the database, hashing, signing.
    /// The cause is logged once; the client reads only INTERNAL.
    #[error("internal error")]
    Internal(Arc<dyn std::error::Error + Send + Sync>),
    /// A business rule refused the input: reported in a mutation payload's
    /// `userErrors` with its own stable code, not as a GraphQL error.
    #[error("{message}")]
    Rule {
        field: Option<&'static str>,
        code: UserErrorCode,
        /// The English message (`Accept-Language: en`).
        message: String,
        /// A Vietnamese message with the particulars of this refusal (a
        /// time, a number); without one, the code's label is the message.
        vi: Option<String>,
    },
}

/// Result of every service function.
pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    /// The stable code under `extensions.code` (DESIGN §5).
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Unauthenticated => "UNAUTHENTICATED",
            AppError::Forbidden => "FORBIDDEN",
            AppError::NotFound(_) => "NOT_FOUND",
            AppError::Invalid(_) => "BAD_USER_INPUT",
            AppError::Conflict(_) => "CONFLICT",
            AppError::Internal(_) => "INTERNAL",
            AppError::Rule { .. } => "BAD_USER_INPUT",
        }
    }

    /// A business-rule failure on `field` (an input field name) with a
    /// stable `code`.
    pub fn rule(
        field: Option<&'static str>,
        code: UserErrorCode,
        message: impl Into<String>,
    ) -> Self {
        AppError::Rule {
            field,
            code,
            message: message.into(),
            vi: None,
        }
    }

    /// The same rule failure with a Vietnamese message of its own (one
    /// that carries particulars the code's label cannot: a time, a count).
    pub fn with_vi(self, text: impl Into<String>) -> Self {
        match self {
            AppError::Rule {
                field,
                code,
                message,
                ..
            } => AppError::Rule {
                field,
                code,
                message,
                vi: Some(text.into()),
            },
            other => other,
        }
    }

    /// An INTERNAL error caused by `cause` (logged, never sent).
    pub fn internal(cause: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        AppError::Internal(Arc::from(cause.into()))
    }

    /// Shorthand for a `BAD_USER_INPUT` error.
    pub fn invalid(message: impl Into<String>) -> Self {
        AppError::Invalid(message.into())
    }
}

impl From<DbErr> for AppError {
    fn from(err: DbErr) -> Self {
        match err.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => {
                AppError::Conflict("a record with the same key already exists".into())
            }
            // SQLite has one writer: a write that waited its busy timeout
            // behind a long one (an import of a whole registry) is told to
            // try again, not that the server failed.
            _ if is_sqlite_busy(&err) => AppError::Conflict(
                "the database is busy with another write (a large import?); try again".into(),
            ),
            _ => AppError::Internal(Arc::new(err)),
        }
    }
}

/// Whether `err` is SQLite's "database is locked" (SQLITE_BUSY, code 5)
/// after the busy timeout.
fn is_sqlite_busy(err: &DbErr) -> bool {
    err.to_string().contains("database is locked")
}

/// Why a business rule refused a mutation's input: the `code` of a
/// payload's `userErrors`. Each value names the rule and where it comes
/// from (the law, Nghị định 09/2019 on reporting, or phancap's own design);
/// nothing was changed when one is returned.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UserErrorCode {
    /// openPeriods was given a year for an AD_HOC regime; ad-hoc periods are
    /// opened with explicit windows (2026-03-15..2026-04-20) set by the
    /// requester. [NĐ 09/2019/NĐ-CP, Điều 8 k5c]
    AdHocNeedsDates,
    /// answerOpinion on a request already answered: a body answers once.
    AlreadyAnswered,
    /// endUnit on a unit that already has an end date (validTo); units are
    /// ended once, never deleted. [DESIGN §3 Units]
    AlreadyEnded,
    /// deactivateUser on a user who is already deactivated. [DESIGN §4]
    AlreadyInactive,
    /// proposeFromEvaluation/proposeFromFinding on an evaluation or finding a
    /// proposal was already opened from (and neither rejected nor withdrawn).
    AlreadyProposed,
    /// requestOpinions asked a body that was asked already and has yet to
    /// answer.
    AlreadyRequested,
    /// revokeGrant on a role grant that is already revoked. [DESIGN §4]
    AlreadyRevoked,
    /// recordPaperReport on a report already submitted in phancap: its lateness
    /// was decided by that submission, and a paper copy changes nothing. [DESIGN
    /// §3 Reporting]
    AlreadySubmitted,
    /// transferAssignments on an assignment that was already carried over to
    /// successor units. [DESIGN §3 Mandates, LAPSED → TRANSFERRED]
    AlreadyTransferred,
    /// A decentralization (and an authorization where the province's policy says
    /// so) is issued only after Sở Tư pháp's latest appraisal covering it is
    /// favourable; submitForDecision needs the appraisal first. [LAW.md §5.2;
    /// Luật 64/2025 (thẩm định VBQPPL)]
    AppraisalRequired,
    /// issueMandate/amendMandate on an AUTHORIZATION (ủy quyền) with
    /// allowOnward=true; what is authorized may not be passed on (không được ủy
    /// quyền tiếp). [DESIGN §3 rule 2; practice per LAW.md R5]
    AuthorizationNotOnward,
    /// issueMandate/amendMandate: the authorizer may not authorize this delegatee
    /// body, e.g. Chủ tịch UBND tỉnh to UBND xã (only to Chủ tịch UBND xã) or to a
    /// sở as a body (only to its head). [Luật 72/2025 Điều 14 k1; LAW.md R2]
    AuthorizationTargetNotAllowed,
    /// issueMandate/amendMandate: the delegator body cannot authorize (ủy quyền) at
    /// all, e.g. an HĐND or a public service unit. [Luật 72/2025 Điều 14 k1; LAW.md
    /// R2]
    AuthorizerNotAllowed,
    /// issueMandate/amendMandate: an AUTHORIZATION (ủy quyền) to a public service
    /// unit (ĐVSNCL) of a matter the catalogue does not mark autonomyRelated; such
    /// a unit is authorized only what increases its autonomy. [LAW.md §7.3 R9; Luật
    /// 65/2025 Điều 14, P for Luật 72/2025]
    AutonomyRequired,
    /// issueMandate/amendMandate/extendAuthorization: an AUTHORIZATION (ủy quyền)
    /// would outlive the document it rests on (its effectiveTo is later than the
    /// basis's). [LAW.md R15; Lào Cai QĐ 1883 practice]
    BasisEndsFirst,
    /// issueMandate/amendMandate: the legal basis is not in force on the mandate's
    /// first day: issued or taking effect after it, or already expired. [LAW.md
    /// R15]
    BasisNotInForce,
    /// A mandate's resources.budgetVnd exceeds 2^53−1 đồng (draftMandate,
    /// updateDraftMandate, amendMandate). [input bound]
    BudgetTooLarge,
    /// deactivateUser targeting the caller's own account; another administrator
    /// must do it. [DESIGN §4]
    CannotDeactivateSelf,
    /// signReport or submitCompiledReport on a compiled report that does not
    /// include exactly the unit reports accepted now (one was accepted or
    /// reopened since it was compiled): compile it again. [DESIGN §3 Reporting]
    CompilationOutdated,
    /// saveReportDraft/submitReport/acceptReport/returnReport on the compiled
    /// province report; use compileReport, acceptCompiledReport or
    /// returnCompiledReport. [DESIGN §3 Reporting]
    CompiledReport,
    /// saveReportDraft: a value given for a computed indicator (one with a
    /// formula); its value is worked out from the others, never entered.
    /// [phancap design: rates from totals, issue 13]
    ComputedIndicator,
    /// saveReportDraft: a mandate item's procedures received ≠ resolved on time
    /// + resolved late + pending. [DESIGN §3 Reporting, report items]
    CountsDoNotAddUp,
    /// createRegime: compiledDeadlineDays is outside 1–90 or earlier than
    /// deadlineDays; each level's deadline follows the one below it. [NĐ
    /// 09/2019/NĐ-CP, Điều 8 k5b]
    DeadlineOrder,
    /// issueMandate/amendMandate: the delegatee body is not one a decentralizer may
    /// decentralize to: a sở or another body under UBND tỉnh, a public service unit
    /// directly under it, UBND or Chủ tịch UBND cấp xã (and, until 30/6/2025, cấp
    /// huyện). [Luật 72/2025 Điều 13 k1, k7; LAW.md R1]
    DecentralizationTargetNotAllowed,
    /// issueMandate/amendMandate: the delegator body cannot decentralize (phân
    /// cấp): only HĐND, UBND and Chủ tịch UBND do, by a legal normative document of
    /// their own; a sở or its director may only authorize. [Luật 72/2025 Điều 13
    /// k1; LAW.md R1, R3]
    DecentralizerNotAllowed,
    /// redeliver on a delivery still waiting for its next attempt (PENDING or
    /// FAILED): the dispatcher sends it anyway; only DELIVERED or GAVE_UP ones
    /// are sent again.
    DeliveryPending,
    /// A delegatee (or successor) unit is not in force on the effective date,
    /// e.g. a district after 30/6/2025 (issueMandate, amendMandate,
    /// transferAssignments). [DESIGN §3 rule 1; Luật TCCQĐP 2025, Điều 51 k3]
    DelegateeNotInForce,
    /// A delegatee is not a lower-level unit that may receive from this
    /// delegator (tỉnh → sở/huyện/xã, sở → huyện/xã, huyện → xã) on issue,
    /// amend or transfer. [DESIGN §3 rule 1; cf. Luật TCCQĐP 2025, Điều 13 k1,
    /// Điều 14 k1]
    DelegateeNotLower,
    /// A delegatee lies outside the delegator's territory (a sở acts over its
    /// province) or is the delegator itself (issueMandate, amendMandate,
    /// transferAssignments). [DESIGN §3 rule 1]
    DelegateeOutsideTerritory,
    /// transferAssignments: the delegator has ended and no successor unit in
    /// force acts for it on the transfer date. [DESIGN §1; NQ 190/2025/QH15,
    /// successor continues]
    DelegatorEnded,
    /// issueMandate/amendMandate: the delegator unit is not in force on
    /// effectiveFrom (e.g. a district after 30/6/2025). [DESIGN §3 rule 4; Luật
    /// TCCQĐP 2025, Điều 51 k3]
    DelegatorNotInForce,
    /// issueMandate/amendMandate on a DEVOLUTION (phân quyền) whose delegatee is
    /// not the body the catalogue says the law gives the matter to (a sở for a
    /// power of a sở by law, the commune's body for a commune's power). [Luật TCCP
    /// 2025 Điều 7; LAW.md §1.1]
    DevolutionNotToHolder,
    /// The appraisal report, Tờ trình or decision already serves another
    /// proposal, and each proposal has its own.
    DocumentAlreadyUsed,
    /// revokeMandate/extendAuthorization: the document is the mandate's own
    /// basis or older than it, is issued after the day the change would apply
    /// (a revocation reaching back before the decision that makes it), or is
    /// not in force that day. [general rule: a decision does not reach back
    /// before it exists]
    DocumentNotInForce,
    /// submitForDecision with a Tờ trình dated before the appraisal report it
    /// carries, or decideProposal with a decision dated before the Tờ trình.
    DocumentOutOfOrder,
    /// The business code is taken: another mandate (draftMandate,
    /// amendMandate), matter (createMatter, updateMatter, twice in one
    /// importMatters file), regime (createRegime), or unit in force on or after
    /// validFrom (createUnit), inspection (createInspection), or a
    /// recommendation number given to the same owner twice
    /// (addInspectionRecommendation). [DESIGN §3 Units, §5]
    DuplicateCode,
    /// addHoliday for a date that is already in the holiday calendar. [DESIGN
    /// §3 Reporting, holiday calendar]
    DuplicateDay,
    /// createDocument: the issuer already has a document with that
    /// number/symbol (số, ký hiệu). [DESIGN §3 Documents]
    DuplicateDocument,
    /// grantRole: the user already holds that role over that scope unit.
    /// [DESIGN §4]
    DuplicateGrant,
    /// An indicator code appears twice: in createRegime's indicators or in
    /// saveReportDraft's values. [input shape]
    DuplicateIndicator,
    /// createRegime: two rules with the same code. [input shape]
    DuplicateRule,
    /// importMandates/importReportFigures: the file gives the same mandate
    /// code, or the same unit, period and indicator, on two rows; the later
    /// row is reported, naming the earlier line. [input shape]
    DuplicateRow,
    /// saveReportDraft lists the same mandate's item more than once. [input
    /// shape]
    DuplicateItem,
    /// createDocument with the same link (document and kind) twice. [input
    /// shape]
    DuplicateLink,
    /// acceptEvaluation after an evaluation of the round changed since it was
    /// compiled (a late self-assessment or assessment): compile it again so
    /// that UBND tỉnh accepts what it read. [KH 511 #7; DESIGN §3 Evaluation]
    EvaluationCompilationOutdated,
    /// submitSelfAssessment without a result, its account (resultText) or a
    /// recommendation; assessEvaluation without an assessment, its text or
    /// the delegator's recommendation. [KH 511 #7; DESIGN §3 Evaluation]
    EvaluationIncomplete,
    /// saveSelfAssessment/submitSelfAssessment on an evaluation that is with
    /// the delegator (SELF_ASSESSED) or assessed (ASSESSED); editable again
    /// once returned. [DESIGN §3 Evaluation]
    EvaluationNotEditable,
    /// assessEvaluation/returnSelfAssessment on an evaluation the holder has
    /// not submitted (NOT_STARTED, DRAFT or RETURNED). [DESIGN §3 Evaluation]
    EvaluationNotSelfAssessed,
    /// Any change to an evaluation or its round once UBND tỉnh accepted the
    /// round (ACCEPTED): the round is locked. [DESIGN §3 Evaluation]
    EvaluationRoundClosed,
    /// openEvaluationRound for a province and year that already have a round;
    /// there is one round per province and year. [KH 511 #7; DESIGN §3
    /// Evaluation]
    EvaluationRoundExists,
    /// acceptEvaluation on a round Sở Nội vụ has not compiled (OPEN).
    /// [DESIGN §3 Evaluation]
    EvaluationRoundNotCompiled,
    /// compileEvaluation while some evaluations are not ASSESSED; the message
    /// lists them. Compile with allowMissing to report them as missing.
    /// [KH 511 #7; DESIGN §3 Evaluation]
    EvaluationsMissing,
    /// attachFile: the file is larger than PHANCAP_MAX_FILE_BYTES (20 MiB by
    /// default). [input bound]
    FileTooLarge,
    /// A budget goes with the proposal or its drafts: Sở Tài chính's answered
    /// opinion is required before it goes to appraisal or decision. [LAW.md §7.3
    /// R13]
    FinanceOpinionRequired,
    /// endUnit: units below it stay in force after validTo; end them first.
    /// [DESIGN §3 Units]
    HasUnitsInForce,
    /// submitReport while some mandate item lacks an implementation status,
    /// procedure figures (where its matter has procedures) or a
    /// keep/amend/revoke proposal. [DESIGN §3 Reporting]
    IncompleteItems,
    /// issueMandate/amendMandate/revokeMandate/extendAuthorization: the document
    /// was not issued by the delegator (a decentralization or authorization is made
    /// by the delegator's own document; a devolution by a law of Quốc hội). [Luật
    /// 72/2025 Điều 13, Điều 14 k2a; LAW.md R3, R4]
    InstrumentNotDelegators,
    /// createUnit/updateUnit: a provincial body must be SO, VAN_PHONG,
    /// THANH_TRA or BAN; an administrative unit's type changes only by
    /// reorganisation. [DESIGN §3 Units]
    InvalidAdminType,
    /// A task's lead, coordinator or monitoring body is not a unit in force today
    /// of the plan's province (of the lead's province, for a task of no plan);
    /// a plan of a sở or commune given a lead outside itself or a group;
    /// transferTask to a unit that is not a successor in force of the ended
    /// lead, or without `to` when the lead has several or none.
    /// [KH 89/KH-UBND mục II: cơ quan chủ trì, cơ quan phối hợp]
    InvalidAssignee,
    /// The drafting body (cơ quan tham mưu) of a proposal is a sở in force of
    /// the proposing unit's province.
    InvalidDraftingBody,
    /// setEmail: not an e-mail address (one `@`, a dotted domain, printable
    /// ASCII without spaces, at most 254 characters).
    InvalidEmail,
    /// createRegime: a formula or a side of a rule cannot be read (syntax,
    /// over 500 characters, nested over 16 deep), reads a TEXT indicator, a
    /// rule compares no indicator, a formula reads a computed indicator, or
    /// a BOOLEAN/TEXT indicator has a formula. [input shape; NĐ 09/2019
    /// Điều 6 k10, biểu mẫu số liệu]
    InvalidExpression,
    /// A code has the wrong shape: body code in createUnit (2–32
    /// letters/digits/dashes, ≥1 letter, e.g. 19-SNV); mandate, regime or
    /// indicator code (2–64 of letters, digits, - _ . /). [input bound]
    InvalidCode,
    /// login with a wrong username or password (or an inactive/service
    /// account), or changePassword with a wrong current password. [DESIGN §4]
    InvalidCredentials,
    /// Dates out of order: mandate effectiveTo < effectiveFrom, amendment not
    /// after original, revoke lastDay or extension end out of range, document
    /// or endUnit dates, an evaluation round's asOf outside its year or dueOn
    /// before asOf; an inspection's period out of order or outside 2000–2100,
    /// its conclusion dated before the period, a recommendation due before
    /// the conclusion or outside 2000–2100. [input bound]
    InvalidDate,
    /// requestOpinions asks 1 to 50 distinct bodies in force of the province,
    /// other than the drafting body.
    InvalidOpinionBody,
    /// A task's progress is given as a percent outside 0–100.
    InvalidPercent,
    /// createRegime: an indicator's min is above its max, a bound is not a
    /// finite number within ±10^15, or a BOOLEAN, TEXT or computed
    /// indicator is given bounds. [input shape]
    InvalidRange,
    /// createRegime: deadlineDays is not 1–60 working days after the cut-off;
    /// at least 1 working day is required by law, 60 is a product bound. [NĐ
    /// 09/2019/NĐ-CP, Điều 8 k5b]
    InvalidDeadline,
    /// A mandate names no delegatee, a delegatee twice, or more than 500
    /// (draftMandate, updateDraftMandate, amendMandate). [input bound]
    InvalidDelegatees,
    /// createInspection: the inspecting body is not Thanh tra tỉnh (…-TTT)
    /// or Sở Nội vụ (…-SNV) of a province, the bodies that inspect
    /// delegated powers. [6085/UBND-TTPVHCC §2 (seed); DESIGN §4 INSPECTOR]
    InvalidInspectingBody,
    /// A name is blank, over 200 characters or has control/text-direction
    /// characters (createUser fullName, createUnit/updateUnit name). [input
    /// bound]
    InvalidName,
    /// createDocument: the number (số, ký hiệu, e.g. 57/NQ-HĐND) is blank, over
    /// 100 characters or unreadable. [input bound]
    InvalidNumber,
    /// openPeriods with no period, more than 24, or the same period twice.
    /// [input bound]
    InvalidPeriods,
    /// createMatter/updateMatter/importMatters: a TTHC code is not a digit, a
    /// dot and six digits (e.g. 1.009993, 2.000229), or more than 50 are
    /// listed. [input shape; national TTHC codes, LAW.md §1.4]
    InvalidProcedureCode,
    /// updateDraftMandate/issueMandate/amendMandate: the cited
    /// procedurePublication is not a decision (QD_CT_UBND or QD_UBND) issued
    /// by the delegator's province on or before the mandate's first day.
    /// [LAW.md §7.3 R16; Luật TCCQĐP 2025, Điều 13 k7, Điều 14 k6]
    InvalidPublication,
    /// createRegime: the recipient is not a provincial body (e.g. Sở Nội vụ) or
    /// the province. [DESIGN §3 Reporting; Quảng Nam KH on NQ 57/NQ-HĐND
    /// (seed): quarterly to Sở Nội vụ]
    InvalidRecipient,
    /// createRegime: both reporterKinds and reporterUnits given, kinds empty or
    /// incl. PROVINCE (its report is compiled), or units empty, over 2000 or
    /// repeated. [input shape; DESIGN §3 Reporting]
    InvalidReporters,
    /// A task's time does not hold: a window that ends before it starts, a date
    /// outside 2000–2100, working days outside 1–250, or AFTER_ISSUE for a task
    /// of no plan.
    InvalidTaskTime,
    /// A text field is blank where required, too long, or has control/text-
    /// direction characters (titles, conditions, resources, regime, holiday,
    /// document, report texts). [input bound]
    InvalidText,
    /// createUser: username is not 3–64 lower-case letters, digits, dots,
    /// dashes or underscores. [input bound]
    InvalidUsername,
    /// saveReportDraft: an indicator value is not a finite number between
    /// −10^15 and 10^15. [input bound]
    InvalidValue,
    /// registerWebhook: the URL is not `http://host[:port]/path` (at most 2000
    /// characters, no user or password in it, no fragment, port 0 or link-local,
    /// unspecified, broadcast or multicast address). HTTPS is not built in: put a
    /// TLS-terminating proxy in front of the receiver, or send to one inside
    /// the province's network.
    InvalidWebhookUrl,
    /// openPeriods/openEvaluationRound: year is outside 2000–2100. [input
    /// bound]
    InvalidYear,
    /// issueMandate on a draft of a proposal: the decision on the proposal
    /// issues it (decideProposal).
    IssuedByDecision,
    /// createDocument with a link to a document issued after the new one: a
    /// document answers, carries out, amends or repeals only one that
    /// exists on its issue date. [DESIGN §3 Documents]
    LinkDateOrder,
    /// createDocument: a link AMENDS or REPEALS a document of another issuer
    /// or of another type (a decision of UBND does not repeal a resolution of
    /// HĐND, nor the Chủ tịch's decision UBND's), or a legal normative document
    /// (VBQPPL) by an individual one. [Luật 80/2015/QH13 Điều 12]
    LinkNotAllowed,
    /// createDocument: the number is not số/ký hiệu (902/QĐ-UBND,
    /// 1785/UBND-NC) nor, for a VBQPPL, số/năm/ký hiệu (15/2025/QĐ-UBND).
    /// [Luật 80/2015/QH13 Điều 8 k1; NĐ 30/2020/NĐ-CP Phụ lục I; not in
    /// LAW.md]
    MalformedNumber,
    /// importMandates/importReportFigures: the file cannot be read as its
    /// format (CSV, XLSX, ADX JSON), a column is missing, unknown or
    /// repeated, or a cell is not a value its column takes (a date, a
    /// number, a code of the enumeration); reported by line and column,
    /// nothing imported. [input shape]
    MalformedFile,
    /// An amendment or revocation proposal names the mandates in force it
    /// concerns; recordAppraisal names 1 to 500 drafts; a finding that
    /// recommends AMEND or REVOKE names its mandate.
    MandatesRequired,
    /// issueMandate/amendMandate: an AUTHORIZATION (ủy quyền) states no
    /// conditions; ủy quyền comes with specific conditions. [Luật TCCQĐP 2025,
    /// Điều 14 k1; DESIGN §3 rule 2]
    MissingConditions,
    /// issueMandate/amendMandate: an AUTHORIZATION (ủy quyền) has no
    /// effectiveTo; ủy quyền is for a defined period. [Luật TCCQĐP 2025, Điều
    /// 14 k1; Luật TCCP 2025, Điều 9 k1]
    MissingEndDate,
    /// importMatters: the CSV cannot be read, a column is missing, unknown or
    /// repeated, or a value (sector, holder, true/false, date) is not one the
    /// column takes; reported by line and column, nothing imported. [input
    /// shape]
    MalformedCsv,
    /// updateMatter: the matter's code cannot change while mandates name it
    /// (they reference the matter by code). [phancap design: the catalogue
    /// of powers]
    MatterInUse,
    /// submitReport while an entered (not computed) indicator of the regime
    /// has no value. [DESIGN §3 Reporting]
    MissingIndicators,
    /// createDocument with neither an issuer unit nor an issuerName. [DESIGN §3
    /// Documents]
    MissingIssuer,
    /// issueMandate on a draft citing no legal-basis document; phân cấp needs a
    /// VBQPPL and ủy quyền a written decision. [Luật TCCQĐP 2025, Điều 13, Điều
    /// 14 k2a; DESIGN §3 rule 6]
    MissingLegalBasis,
    /// submitReport before the results narrative (kết quả) is filled in.
    /// [DESIGN §3 Reporting]
    MissingNarrative,
    /// issueMandate/amendMandate: give budget, staff or facilities, or else a
    /// reason for none (not both); phân cấp goes with resources. [DESIGN §3
    /// rule 7; CV 1785/UBND-NC Thái Nguyên, mục 1 (seed)]
    MissingResources,
    /// saveReportDraft: a procedure count (received, on time, late, pending) is
    /// negative. [input bound]
    NegativeCount,
    /// A mandate's budget or staff number is negative (draftMandate,
    /// updateDraftMandate, amendMandate). [input bound]
    NegativeResources,
    /// A plan's content has no lead, or a group (every sở, every district, every
    /// commune) has no unit in force today under the plan's province.
    NoAssignees,
    /// proposeFromEvaluation on an evaluation that recommends neither AMEND nor
    /// REVOKE (an expansion is a new delegation: createProposal);
    /// proposeFromFinding on a finding whose action is NONE.
    NoChangeRecommended,
    /// registerWebhook with no topics: a webhook listens to at least one.
    NoTopics,
    /// The proposal has no draft mandate to appraise or decide, or a concerned
    /// mandate has no draft of its matter to amend it.
    NoDraftMandates,
    /// draftMandate/updateDraftMandate/issueMandate: the unit has no body in that
    /// capacity, e.g. a sở has no People's Council (COUNCIL). [DESIGN §3 Mandates]
    NoSuchBody,
    /// issueMandate/amendMandate on a matter the catalogue marks non-delegable;
    /// the law forbids delegating it ("trừ trường hợp pháp luật quy định
    /// không được phân cấp, ủy quyền"). [LAW.md §7.3 R8; Luật TCCQĐP 2025,
    /// Điều 13, Điều 14 k1]
    NonDelegable,
    /// createMatter/updateMatter/importMatters: a non-delegable matter must
    /// cite the provision that forbids delegating it, and only such a matter
    /// may. [LAW.md §7.3 R8]
    NonDelegableBasisRequired,
    /// contributeToTask for a unit that does not coordinate (phối hợp) on the
    /// task.
    NotACoordinator,
    /// createPlan on a document that is not a plan (KH).
    NotAPlanDocument,
    /// openEvaluationRound or setDelegationPolicy on a unit that is not a
    /// province (or city under central authority): rounds and the policy are
    /// the province's. [Quảng Nam plan III.2e]
    NotAProvince,
    /// reopenReport/reopenCompiledReport on a report that is not ACCEPTED: only
    /// an accepted report is reopened; a submitted one is returned. [DESIGN §3
    /// Reporting]
    NotAccepted,
    /// The appraisal report is a BC numbered "…/BCTĐ-STP" registered by the
    /// province's Sở Tư pháp.
    NotAppraisalReport,
    /// recordTriggerDocument on a task that does not wait for a document
    /// (its time is not AFTER_DOCUMENT, or one was recorded already).
    NotAwaitingDocument,
    /// updateUnit with neither a new name nor a new type. [input shape]
    NothingToChange,
    /// compileReport for a period in which no unit report has been accepted
    /// yet. [DESIGN §3 Reporting]
    NothingToCompile,
    /// extendAuthorization on a mandate not issued and in force or
    /// scheduled today, or
    /// transferAssignments on a mandate not active on the transfer date.
    /// [DESIGN §3 Mandates]
    NotActive,
    /// amendMandate on a mandate that is not issued or not in force/scheduled
    /// on the amendment's effectiveFrom. [DESIGN §3 Mandates]
    NotAmendable,
    /// extendAuthorization on a mandate that is not an AUTHORIZATION; phân cấp
    /// is continuous with no term to extend. [DESIGN §3 Mandates; Luật TCCQĐP
    /// 2025, Điều 13 k1]
    NotAuthorization,
    /// addHoliday with kind HOLIDAY on a Saturday or Sunday; record the weekday
    /// given in its place. [DESIGN §3 Reporting, holiday calendar]
    NotAWeekday,
    /// addHoliday with kind WORKDAY (make-up working day) on a Monday–Friday.
    /// [DESIGN §3 Reporting, holiday calendar]
    NotAWeekendDay,
    /// acceptCompiledReport/returnCompiledReport on a unit report; use
    /// acceptReport/returnReport. [DESIGN §3 Reporting]
    NotCompiled,
    /// updateDraftMandate or issueMandate on a mandate that is already issued;
    /// use amendMandate. [DESIGN §3 Mandates]
    NotDraft,
    /// saveReportDraft/submitReport on a SUBMITTED report, or compileReport
    /// while the compiled report is with UBND tỉnh; editable again once
    /// returned. [DESIGN §3 Reporting]
    NotEditable,
    /// issueMandate/amendMandate: the delegator does not hold the matter on
    /// effectiveFrom (not the province, no parent mandate or devolution naming
    /// it). [DESIGN §3 rule 4; Luật TCCQĐP 2025, Điều 14, “mà mình được giao”]
    NotHeld,
    /// transferAssignments on an assignment whose delegatee is still in force
    /// on the transfer date, or transferTask on a task whose lead is still in
    /// force. [DESIGN §3 Mandates, LAPSED → TRANSFERRED]
    NotLapsed,
    /// issueMandate/amendMandate: a DECENTRALIZATION (phân cấp) or DEVOLUTION
    /// cites a legal basis that is not a normative document (văn bản QPPL).
    /// [Luật TCCQĐP 2025, Điều 13; DESIGN §3 rule 6]
    NotNormative,
    /// A draft of a proposal is of one of the matters the proposal names.
    NotProposedMatter,
    /// revokeMandate on a mandate that is not issued (a draft, or already
    /// revoked or superseded). [DESIGN §3 Mandates]
    NotRevocable,
    /// acceptReport/returnReport/acceptCompiledReport/returnCompiledReport on a
    /// report that is not SUBMITTED. [DESIGN §3 Reporting]
    NotSubmitted,
    /// transferAssignments: the ended delegatee has no successor through unit
    /// lineage and none was named. [DESIGN §3 Units lineage; NQ 190/2025/QH15]
    NoSuccessor,
    /// importReportFigures: the unit has no unit report in that period (of
    /// the regime named, or of a regime asking for that indicator), or has
    /// several and the row names no regime (`dataSet`). [DESIGN §3 Reporting]
    NoReport,
    /// signReport on a NOT_STARTED report: the reporter drafts it first. [NĐ
    /// 09/2019/NĐ-CP Điều 8]
    NothingToSign,
    /// createDocument: the issuer named by the number's symbol is not the
    /// issuer unit: UBND/HĐND means a province, district or commune, a
    /// department's abbreviation (QĐ-SXD, BC-SNV, SNV-…) a department, and a
    /// luật, nghị quyết of Quốc hội or UBTVQH, nghị định, quyết định of the
    /// Thủ tướng or thông tư has no issuer unit. [NĐ 30/2020/NĐ-CP Phụ lục I
    /// mục II.3; not in LAW.md]
    NumberIssuerMismatch,
    /// createDocument: the number's symbol is not that of the stated type
    /// (QĐ-UBND for a decision of UBND, NQ-HĐND for a resolution of HĐND,
    /// KH-… for a plan, no type prefix for a công văn); a plan or letter
    /// cannot be registered as a decision. [LAW.md R3; NĐ 30/2020/NĐ-CP Phụ
    /// lục I mục II.3]
    NumberTypeMismatch,
    /// createDocument: the year in the number (số/năm/ký hiệu) is not the
    /// year of issuedDate. [Luật 80/2015/QH13 Điều 8 k1; not in LAW.md]
    NumberYearMismatch,
    /// createDocument: a year in the number of a type that is never a VBQPPL
    /// (kế hoạch, báo cáo, tờ trình, công văn, a department's quyết định);
    /// only a VBQPPL is numbered by year. [LAW.md R3; Luật 80/2015/QH13 Điều
    /// 8 k1]
    NumberYearNotAllowed,
    /// createDocument: no year in the number of a type that is always a
    /// VBQPPL (luật, nghị quyết of Quốc hội, nghị định, thông tư).
    /// [Luật 80/2015/QH13 Điều 8 k1; not in LAW.md]
    NumberYearRequired,
    /// amendMandate: mandates passed on from the amended one would rest on a
    /// version whose delegatees no longer include their delegator; revoke or amend
    /// them first. [LAW.md R7]
    OnwardDependents,
    /// issueMandate/amendMandate with a parentMandate that is an AUTHORIZATION;
    /// a power received by ủy quyền is not delegated onward. [DESIGN §3 rule 2;
    /// practice per LAW.md R5]
    OnwardFromAuthorization,
    /// issueMandate/amendMandate with a parent DECENTRALIZATION whose
    /// allowOnward is false (phân cấp tiếp). [DESIGN §3 rule 2; no verified
    /// legal source]
    OnwardNotAllowed,
    /// issueMandate/amendMandate: allowOnward on a DECENTRALIZATION whose
    /// delegatees cannot decentralize (only a People's Committee or Council issues
    /// the normative document a phân cấp needs; a sở cannot). [Luật 72/2025 Điều 13
    /// k1; LAW.md R6]
    OnwardNotIssuable,
    /// A body asked for its opinion has yet to answer and its due day has not
    /// passed.
    OpinionsPending,
    /// issueMandate/amendMandate/extendAuthorization: the mandate would last longer
    /// than the delegator holds the matter (its parent mandate, or the assignment
    /// by which it holds, ends first). [Luật 72/2025 Điều 14 k1; LAW.md R7]
    OutlivesParent,
    /// addHoliday for a date outside the years 2000–2100. [input bound]
    OutOfRange,
    /// importMandates/importReportFigures: a row concerns a unit outside the
    /// caller's scope for that act (APPROVER over the delegator for a
    /// mandate, REPORTER of the reporting unit for figures). [DESIGN §4]
    OutOfScope,
    /// createInspection/addInspectionRecommendation: a unit in scope or a
    /// recommendation's owner is not a body or local government of the
    /// inspecting body's province (or no unit is named); or, in
    /// recordInspectionFinding, the unit or mandate is not in the
    /// inspection's scope, or the finding is another inspection's.
    /// [DESIGN §3 the loop around a mandate]
    OutsideInspectionScope,
    /// createUnit: the body would be in force outside its province's validity
    /// (before it starts or after it ends). [DESIGN §3 Units]
    OutsideParentValidity,
    /// A progress report or completion of an overdue task states the cause
    /// and the person responsible for the delay. [CV 6085/UBND-TTPVHCC §1]
    OverdueExplanationRequired,
    /// Two leads for one matter over overlapping territory and dates (issue,
    /// amend, extendAuthorization, transferAssignments). [DESIGN §3 rule 5;
    /// Luật TCCQĐP 2025, Điều 11; CV 1785/UBND-NC (seed)]
    OverlappingLead,
    /// createPlan on a document that is a plan already.
    PlanExists,
    /// issueMandate/amendMandate: delegating this matter changes an
    /// administrative procedure (changesProcedure) and the mandate cites no
    /// procedurePublication, the decision of Chủ tịch UBND tỉnh publishing
    /// the changed procedures. [LAW.md §7.3 R16; Luật TCCQĐP 2025, Điều 13
    /// k7, Điều 14 k6]
    PublicationRequired,
    /// createUnit: the parent province is not in force on validFrom. [DESIGN §3
    /// Units]
    ParentNotInForce,
    /// createUnit under a parent that is not a province; bodies (sở, ban, Văn
    /// phòng, Thanh tra) sit under UBND tỉnh. [DESIGN §2–3 Units]
    ParentNotProvince,
    /// openPeriods for a period the regime has already opened. [DESIGN §3
    /// Reporting]
    PeriodAlreadyOpen,
    /// openPeriods with a period of another frequency than the regime's (e.g.
    /// 2026Q1 for a MONTH regime). [DESIGN §3 Reporting]
    PeriodFrequencyMismatch,
    /// saveReportDraft: procedure counts for an item whose mandate's matter
    /// lists no administrative procedure (TTHC) in the catalogue of powers;
    /// such an item asks for none. [DESIGN §3 Reporting, report items;
    /// LAW.md §1.4]
    ProceduresNotAsked,
    /// returnReport/returnCompiledReport/returnSelfAssessment without a reason
    /// (1–5000 characters). [DESIGN §3 Reporting, Evaluation]
    ReasonRequired,
    /// closeInspectionRecommendation on a recommendation already closed.
    RecommendationClosed,
    /// submitSelfAssessment with AMEND, REVOKE or EXPAND but no
    /// recommendationReason (1 to 20,000 characters); a change to a mandate
    /// is proposed with its reason. [KH 511 #7; DESIGN §3 Evaluation]
    RecommendationReasonRequired,
    /// closeInspection while a recommendation is neither done (its
    /// follow-up accepted) nor closed by the inspecting body; the message
    /// lists their numbers. [6085/UBND-TTPVHCC (seed): theo dõi, đôn đốc]
    RecommendationsOpen,
    /// openPeriods: the regime's recipient unit is not in force on a period's
    /// cut-off date. [DESIGN §3 Units, dated validity]
    RecipientNotInForce,
    /// reopenReport on a unit report the province report includes while UBND
    /// tỉnh holds it (SUBMITTED) or has accepted it: the compiled report is
    /// returned or reopened first. [DESIGN §3 Reporting]
    ReportInCompilation,
    /// createRegime: a reporterUnits entry lies outside the recipient's
    /// territory or is a province. [DESIGN §3 Reporting]
    ReporterOutsideTerritory,
    /// saveReportDraft/submitReport on an ACCEPTED report, or compileReport
    /// when the compiled report is already accepted; accepted reports are
    /// locked. [DESIGN §3 Reporting]
    ReportLocked,
    /// acceptCompiledReport before the end of the units' deadline day while the
    /// compilation includes fewer reports than are expected: UBND tỉnh accepts
    /// once every report is in, or after the deadline. [NĐ 09/2019/NĐ-CP Điều
    /// 12]
    ReportsStillDue,
    /// The proposal requires a resolution of HĐND (budget phân cấp): its
    /// decision is an NQ_HDND. [Luật 72/2025; LAW.md §5.2]
    ResolutionRequired,
    /// submitReport while the report's figures break a validation rule of
    /// its regime (e.g. more resolved on time than received); the message
    /// names the rule and both sides' values. saveReportDraft saves such a
    /// draft and warns. [NĐ 09/2019/NĐ-CP Điều 6 k10, biểu mẫu số liệu; the
    /// regime's rules]
    RuleBroken,
    /// createUser of kind SERVICE with a password; machine clients use long-
    /// lived tokens. [DESIGN §4]
    ServiceHasNoPassword,
    /// createDocument: signerCapacity is not the prefix of signerTitle (TM.,
    /// KT., TL., TUQ., or none when signed in one's own name). [NĐ
    /// 30/2020/NĐ-CP Phụ lục I mục II.7; not in LAW.md]
    SignerCapacityMismatch,
    /// The task is COMPLETED (awaiting acceptance) or ACCEPTED: its lead reports
    /// again only once it is returned; an ACCEPTED task is not transferred.
    TaskClosed,
    /// A group of tasks (a content given to every sở, every commune …) is
    /// worked through its parts: report, complete, accept or return a part.
    TaskIsGroup,
    /// acceptTask or returnTask on a task its lead has not completed.
    TaskNotCompleted,
    /// login after too many failed sign-ins, or changePassword after too many
    /// wrong current passwords; retry after the 15-minute lock. [product
    /// security rule]
    Throttled,
    /// createRegime with more than 50 indicators. [input bound]
    TooManyIndicators,
    /// issueMandate/amendMandate: along the delegation chain the matter would
    /// be managed by more than two levels (tỉnh incl. sở, huyện, xã). [DESIGN
    /// §3 rule 3; provincial principle, no national source (LAW.md §0)]
    TooManyLevels,
    /// createRegime with more than 50 validation rules. [input bound]
    TooManyRules,
    /// importMandates/importReportFigures: the file has more rows than one
    /// import takes (100,000), or is larger than 16 MiB. [input bound]
    TooManyRows,
    /// saveReportDraft with more than 500 indicator values. [input bound]
    TooManyValues,
    /// updateUnit on a unit that is not in force today. [DESIGN §3 Units]
    UnitNotInForce,
    /// createDocument with a link to a document that does not exist, or a
    /// task's evidence or trigger naming one. [DESIGN §3 Documents]
    UnknownDocument,
    /// saveReportDraft: a value for an indicator code the regime does not
    /// define; createRegime: a formula or rule reads such a code. [DESIGN §3
    /// Reporting]
    UnknownIndicator,
    /// saveReportDraft: an item for a mandate the reporter did not hold during
    /// the period. [DESIGN §3 Reporting]
    UnknownItem,
    /// draftMandate/updateDraftMandate/issueMandate/amendMandate: the matter
    /// code is not in the catalogue of powers (or not on the mandate's first
    /// day); catalogue it first. [LAW.md §7.3 R11: every power is a
    /// catalogued competence]
    UnknownMatter,
    /// importMandates/importReportFigures: a row names a mandate code (its
    /// parent) or another record that does not exist. [input shape]
    UnknownReference,
    /// importMandates/importReportFigures: no unit bears that code on the
    /// row's date (the mandate's first day; for figures, any unit that ever
    /// bore it). [DESIGN §3 Units]
    UnknownUnit,
    /// submitReport/submitCompiledReport under a regime with signOff on a report
    /// the unit's APPROVER has not signed (signReport), or whose draft changed
    /// after signing. [NĐ 09/2019/NĐ-CP Điều 8; NĐ 30/2020/NĐ-CP]
    Unsigned,
    /// attachFile: the file's content is not a PDF, PNG, JPEG, Word (.doc, .docx),
    /// Excel (.xls, .xlsx) or OpenDocument (.odt, .ods) file; the content decides,
    /// not the name or the type the client claims. [input bound]
    UnsupportedFileType,
    /// createUser with a username that already exists. [DESIGN §4]
    UsernameTaken,
    /// grantRole to a deactivated user. [DESIGN §4]
    UserInactive,
    /// saveReportDraft: a value below the indicator's min or above its max
    /// (a PERCENTAGE is 0–100 unless the regime says otherwise); the
    /// message names the indicator. [the regime's indicator definition]
    ValueOutOfRange,
    /// redeliver to a webhook that was deactivated.
    WebhookInactive,
    /// createUser (person) without a password or with one outside 10–200
    /// characters, or changePassword with such a new password. [product
    /// password policy]
    WeakPassword,
    /// createInspection/concludeInspection: the decision is not a decision
    /// of the inspecting body (QD_SO), or the conclusion not a report (BC).
    WrongDocumentType,
    /// issueMandate/amendMandate/revokeMandate/extendAuthorization: the document is
    /// not of a type the delegator makes this kind of mandate by: a
    /// decentralization by a resolution of HĐND (NQ_HDND) or a normative decision
    /// of UBND (QD_UBND); an authorization by a decision of UBND, of its Chủ tịch,
    /// or of the sở (QD_SO); a devolution by a law or a resolution of Quốc hội.
    /// [Luật 72/2025 Điều 13, Điều 14 k2a; LAW.md R3, R4]
    WrongInstrumentType,
    /// The document (Tờ trình, decision, opinion letter, an inspection's
    /// decision or conclusion report) is not issued by the body whose act it
    /// records.
    WrongIssuer,
    /// The proposal is not at the stage this step is taken in (e.g. appraising a
    /// proposal not in appraisal), or the inspection not at the stage of its
    /// step (a finding while IN_PROGRESS, a recommendation once CONCLUDED).
    WrongStage,
    /// saveReportDraft: a value that is not of the indicator's type: value
    /// for INTEGER, NUMBER or PERCENTAGE (a whole number for INTEGER), yes
    /// for BOOLEAN, text for TEXT, exactly one of them; the message names
    /// the indicator. [the regime's indicator definition]
    WrongValueType,
}

crate::labels!(UserErrorCode {
    AdHocNeedsDates => "Kỳ báo cáo đột xuất phải được mở bằng ngày bắt đầu và ngày kết thúc cụ thể, không theo năm.",
    AlreadyAnswered => "Cơ quan này đã trả lời ý kiến đối với đề nghị; mỗi cơ quan chỉ trả lời một lần.",
    AlreadyEnded => "Đơn vị này đã được kết thúc hoạt động trước đó; mỗi đơn vị chỉ kết thúc một lần.",
    AlreadyInactive => "Tài khoản hoặc địa chỉ nhận thông báo này đã bị vô hiệu hóa trước đó.",
    AlreadyProposed => "Đã có đề nghị được lập từ kết quả đánh giá hoặc kết quả kiểm tra này và đề nghị đó chưa bị từ chối hay rút lại; không lập thêm đề nghị mới.",
    AlreadyRequested => "Cơ quan này đã được xin ý kiến và chưa trả lời; không gửi lại yêu cầu khi chưa có ý kiến trả lời.",
    AlreadyRevoked => "Vai trò đã cấp cho người dùng này đã bị thu hồi trước đó.",
    AlreadySubmitted => "Báo cáo này đã được nộp trên hệ thống và việc nộp đúng hạn hay muộn đã được xác định theo lần nộp đó; không cần ghi nhận bản giấy.",
    AlreadyTransferred => "Nội dung phân cấp, ủy quyền giao cho đơn vị này đã được chuyển cho đơn vị kế thừa trước đó.",
    AppraisalRequired => "Nội dung phân cấp (và ủy quyền, nếu tỉnh quy định), kể cả nội dung sửa đổi, chỉ được trình quyết định hoặc ban hành sau khi có báo cáo thẩm định mới nhất của Sở Tư pháp với kết luận đủ điều kiện; hãy đề nghị thẩm định hoặc ghi nhận kết quả thẩm định trước.",
    AuthorizationNotOnward => "Nội dung ủy quyền không được đánh dấu cho phép ủy quyền tiếp: cơ quan, người nhận ủy quyền không được ủy quyền tiếp cho cơ quan, người khác.",
    AuthorizationTargetNotAllowed => "Không được ủy quyền cho cơ quan nhận này theo khoản 1 Điều 14 Luật Tổ chức chính quyền địa phương năm 2025; ví dụ, Chủ tịch UBND tỉnh chỉ ủy quyền cho Chủ tịch UBND cấp xã hoặc người đứng đầu sở, không ủy quyền cho UBND cấp xã hay cho sở.",
    AuthorizerNotAllowed => "Cơ quan giao không có thẩm quyền ủy quyền (ví dụ HĐND hoặc đơn vị sự nghiệp công lập); chỉ UBND, Chủ tịch UBND và người đứng đầu cơ quan chuyên môn thuộc UBND cấp tỉnh được ủy quyền (khoản 1 Điều 14 Luật Tổ chức chính quyền địa phương năm 2025).",
    AutonomyRequired => "Chỉ được ủy quyền cho đơn vị sự nghiệp công lập những nhiệm vụ, quyền hạn nhằm tăng tính tự chủ của đơn vị; theo danh mục thẩm quyền, nội dung này không thuộc trường hợp đó.",
    BasisEndsFirst => "Thời hạn ủy quyền không được kéo dài quá ngày hết hiệu lực của văn bản làm căn cứ; hãy điều chỉnh ngày kết thúc ủy quyền.",
    BasisNotInForce => "Văn bản làm căn cứ chưa có hiệu lực hoặc đã hết hiệu lực vào ngày nội dung phân cấp, ủy quyền bắt đầu có hiệu lực.",
    BudgetTooLarge => "Kinh phí bảo đảm vượt quá giới hạn hệ thống ghi nhận được; hãy kiểm tra lại số tiền (tính bằng đồng).",
    CannotDeactivateSelf => "Không thể tự vô hiệu hóa tài khoản của chính mình; việc này do một quản trị viên khác thực hiện.",
    CompilationOutdated => "Báo cáo tổng hợp không còn khớp với các báo cáo đã được chấp nhận (có báo cáo được chấp nhận hoặc mở lại sau khi tổng hợp); hãy biên soạn lại báo cáo tổng hợp.",
    CompiledReport => "Đây là báo cáo tổng hợp của tỉnh; hãy dùng các chức năng tổng hợp, chấp nhận hoặc trả lại dành cho báo cáo tổng hợp.",
    ComputedIndicator => "Chỉ tiêu này được tính tự động theo công thức từ các chỉ tiêu khác, không nhập giá trị.",
    CountsDoNotAddUp => "Số hồ sơ thủ tục hành chính tiếp nhận phải bằng tổng số hồ sơ đã giải quyết đúng hạn, đã giải quyết quá hạn và đang giải quyết.",
    DeadlineOrder => "Thời hạn gửi báo cáo tổng hợp phải từ 1 đến 90 ngày làm việc và không sớm hơn thời hạn gửi báo cáo của các đơn vị; thời hạn của mỗi cấp nối tiếp thời hạn của cấp dưới.",
    DecentralizationTargetNotAllowed => "Không được phân cấp cho cơ quan nhận này; chỉ phân cấp cho sở và tổ chức hành chính khác thuộc UBND tỉnh, đơn vị sự nghiệp công lập trực thuộc UBND tỉnh, UBND hoặc Chủ tịch UBND cấp xã (khoản 1 Điều 13 Luật Tổ chức chính quyền địa phương năm 2025).",
    DecentralizerNotAllowed => "Cơ quan giao không có thẩm quyền phân cấp: chỉ HĐND, UBND và Chủ tịch UBND phân cấp bằng văn bản quy phạm pháp luật của mình, còn sở hoặc giám đốc sở chỉ được ủy quyền (Điều 13 Luật Tổ chức chính quyền địa phương năm 2025).",
    DeliveryPending => "Lượt gửi thông báo này vẫn đang chờ hệ thống tự động gửi lại; chỉ gửi lại thủ công lượt đã gửi thành công hoặc đã ngừng thử.",
    DelegateeNotInForce => "Cơ quan nhận (hoặc đơn vị kế thừa) chưa thành lập hoặc đã kết thúc hoạt động vào ngày có hiệu lực, ví dụ đơn vị cấp huyện sau ngày 30/6/2025 (khoản 3 Điều 51 Luật Tổ chức chính quyền địa phương năm 2025).",
    DelegateeNotLower => "Cơ quan nhận phải là đơn vị cấp dưới được nhận từ cơ quan giao: tỉnh giao cho sở, huyện, xã; sở giao cho huyện, xã; huyện giao cho xã.",
    DelegateeOutsideTerritory => "Cơ quan nhận nằm ngoài địa bàn của cơ quan giao hoặc chính là cơ quan giao; sở chỉ giao cho đơn vị thuộc tỉnh của mình.",
    DelegatorEnded => "Cơ quan giao đã kết thúc hoạt động và không có đơn vị kế thừa đang hoạt động vào ngày chuyển giao.",
    DelegatorNotInForce => "Cơ quan giao chưa thành lập hoặc đã kết thúc hoạt động vào ngày bắt đầu hiệu lực, ví dụ đơn vị cấp huyện sau ngày 30/6/2025.",
    DevolutionNotToHolder => "Nội dung phân quyền phải ghi nhận đúng cơ quan được pháp luật giao thẩm quyền này theo danh mục thẩm quyền (sở đối với thẩm quyền của sở, chính quyền cấp xã đối với thẩm quyền của cấp xã).",
    DocumentAlreadyUsed => "Văn bản này (báo cáo thẩm định, tờ trình hoặc quyết định) đã được dùng cho một đề nghị khác; mỗi đề nghị có văn bản riêng.",
    DocumentNotInForce => "Văn bản thu hồi hoặc gia hạn phải khác và mới hơn văn bản làm căn cứ, đã được ban hành và còn hiệu lực vào ngày áp dụng thay đổi; không thu hồi lùi về trước ngày ban hành quyết định.",
    DocumentOutOfOrder => "Ngày của các văn bản không đúng trình tự: tờ trình không được ghi ngày trước báo cáo thẩm định, quyết định không được ghi ngày trước tờ trình.",
    DuplicateCode => "Mã (hoặc số hiệu) này đã được dùng cho một bản ghi khác cùng loại hoặc cho một dòng khác trong cùng tệp nhập; hãy dùng mã khác.",
    DuplicateDay => "Ngày này đã có trong lịch ngày nghỉ, ngày làm việc bù.",
    DuplicateDocument => "Số, ký hiệu này đã được dùng: cơ quan ban hành đã có văn bản mang số, ký hiệu này, hoặc đơn vị đã dùng số này cho một báo cáo khác trong cùng năm; hãy kiểm tra lại số, ký hiệu hoặc dùng văn bản đã có.",
    DuplicateGrant => "Người dùng đã được cấp vai trò này trên đơn vị này.",
    DuplicateIndicator => "Một mã chỉ tiêu xuất hiện hai lần; mỗi chỉ tiêu chỉ được khai báo hoặc nhập một lần.",
    DuplicateRule => "Hai quy tắc kiểm tra số liệu có cùng mã; mỗi quy tắc phải có mã riêng.",
    DuplicateRow => "Tệp có hai dòng trùng nhau (cùng mã nội dung phân cấp, ủy quyền, hoặc cùng đơn vị, kỳ báo cáo và chỉ tiêu); hãy xóa hoặc gộp dòng trùng.",
    DuplicateItem => "Báo cáo có hai mục cho cùng một nội dung phân cấp, ủy quyền; mỗi nội dung chỉ báo cáo một lần.",
    DuplicateLink => "Văn bản được liên kết hai lần với cùng một văn bản theo cùng một quan hệ; hãy bỏ liên kết trùng.",
    EvaluationCompilationOutdated => "Có kết quả tự đánh giá hoặc đánh giá thay đổi sau khi Sở Nội vụ tổng hợp; hãy tổng hợp lại để UBND tỉnh xem xét đúng nội dung hiện hành.",
    EvaluationIncomplete => "Bản đánh giá chưa đầy đủ: bản tự đánh giá cần có kết quả, phần thuyết minh và kiến nghị trước khi gửi; ý kiến đánh giá của cơ quan giao cần có nội dung đánh giá.",
    EvaluationNotEditable => "Bản tự đánh giá đã gửi cơ quan giao hoặc đã được đánh giá nên không thể sửa; chỉ sửa được khi bị trả lại.",
    EvaluationNotSelfAssessed => "Cơ quan nhận chưa gửi bản tự đánh giá nên chưa thể đánh giá, trả lại hoặc lập đề nghị từ kết quả đánh giá; bản đã được đánh giá thì không đánh giá lại.",
    EvaluationRoundClosed => "Đợt đánh giá đã được UBND tỉnh chấp nhận nên không thể thay đổi.",
    EvaluationRoundExists => "Tỉnh đã có đợt đánh giá của năm này; mỗi tỉnh chỉ có một đợt đánh giá mỗi năm.",
    EvaluationRoundNotCompiled => "Sở Nội vụ chưa tổng hợp đợt đánh giá nên UBND tỉnh chưa thể chấp nhận.",
    EvaluationsMissing => "Còn bản tự đánh giá chưa được cơ quan giao đánh giá xong; hãy chờ hoàn thành hoặc tổng hợp kèm ghi nhận các bản còn thiếu.",
    FileTooLarge => "Tệp đính kèm vượt quá dung lượng cho phép (mặc định 20 MB).",
    FinanceOpinionRequired => "Đề nghị có kèm kinh phí nên cần có ý kiến trả lời của Sở Tài chính trước khi trình thẩm định hoặc trình quyết định.",
    HasUnitsInForce => "Còn đơn vị trực thuộc hoạt động sau ngày kết thúc của đơn vị này; hãy kết thúc các đơn vị trực thuộc trước.",
    IncompleteItems => "Còn nội dung phân cấp, ủy quyền trong báo cáo chưa nêu tình hình thực hiện, số liệu thủ tục hành chính (nếu có) hoặc đề xuất giữ nguyên, sửa đổi, thu hồi; hãy bổ sung trước khi nộp.",
    InstrumentNotDelegators => "Văn bản không do cơ quan phân cấp, ủy quyền (hoặc đơn vị kế thừa của cơ quan đó, khi chuyển giao) ban hành; phân cấp, ủy quyền phải thực hiện bằng văn bản của chính cơ quan đó, phân quyền bằng luật, nghị quyết của Quốc hội.",
    InvalidAdminType => "Loại đơn vị không hợp lệ: cơ quan cấp tỉnh phải là sở, văn phòng, thanh tra hoặc ban; loại của đơn vị hành chính chỉ thay đổi khi sắp xếp, tổ chức lại.",
    InvalidAssignee => "Cơ quan chủ trì, phối hợp hoặc theo dõi không hợp lệ: phải là đơn vị đang hoạt động thuộc tỉnh của kế hoạch, mỗi danh sách không quá 200 đơn vị; kế hoạch của một đơn vị chỉ giao chủ trì cho chính đơn vị đó và các đơn vị trực thuộc, chỉ kế hoạch của tỉnh mới giao cho cả nhóm đơn vị (các sở, các xã…); khi chuyển nhiệm vụ, phải chọn một đơn vị kế thừa đang hoạt động của cơ quan chủ trì cũ, nếu không có thì kết thúc hoặc giao lại nhiệm vụ.",
    InvalidDraftingBody => "Cơ quan tham mưu của đề nghị phải là một sở đang hoạt động thuộc tỉnh của đơn vị đề nghị.",
    InvalidEmail => "Địa chỉ thư điện tử không hợp lệ; hãy nhập đúng dạng ten@coquan.gov.vn, không có dấu cách, không quá 254 ký tự.",
    InvalidExpression => "Công thức hoặc quy tắc kiểm tra số liệu không hợp lệ (sai cú pháp, quá dài, lồng quá sâu, dùng chỉ tiêu không phù hợp, quy tắc không so sánh chỉ tiêu nào, hoặc đặt công thức cho chỉ tiêu đúng/sai hay chỉ tiêu dạng chữ); hãy kiểm tra lại.",
    InvalidCode => "Mã không đúng định dạng: mã cơ quan gồm 2–32 chữ cái, chữ số hoặc dấu gạch ngang và có ít nhất một chữ cái (ví dụ 19-SNV); ký hiệu sở gồm 2–12 chữ cái (ví dụ SYT) và chỉ ghi cho thẩm quyền của sở theo luật; các mã khác gồm 2–64 chữ cái, chữ số hoặc các dấu - _ . /.",
    InvalidCredentials => "Tên đăng nhập hoặc mật khẩu không đúng (khi đổi mật khẩu: mật khẩu hiện tại không đúng); vui lòng kiểm tra và thử lại.",
    InvalidDate => "Ngày tháng không hợp lệ: ngày kết thúc không được trước ngày bắt đầu, ngày ban hành không được sau hôm nay và các ngày phải nằm trong khoảng cho phép; hãy kiểm tra lại.",
    InvalidOpinionBody => "Cơ quan được xin ý kiến không hợp lệ: xin ý kiến từ 1 đến 50 cơ quan khác nhau đang hoạt động thuộc tỉnh, không gồm cơ quan tham mưu và UBND tỉnh.",
    InvalidPercent => "Tiến độ thực hiện phải là tỷ lệ phần trăm từ 0 đến 100.",
    InvalidRange => "Giới hạn giá trị của chỉ tiêu không hợp lệ: giá trị nhỏ nhất không được lớn hơn giá trị lớn nhất, giới hạn phải là số trong khoảng từ -10^15 đến 10^15, và chỉ tiêu đúng/sai, chỉ tiêu dạng chữ hoặc chỉ tiêu tính theo công thức không có giới hạn.",
    InvalidDeadline => "Thời hạn gửi báo cáo phải từ 1 đến 60 ngày làm việc sau ngày chốt số liệu (Nghị định 09/2019/NĐ-CP yêu cầu ít nhất 1 ngày làm việc).",
    InvalidDelegatees => "Danh sách cơ quan nhận không hợp lệ: phải có ít nhất một cơ quan nhận, không trùng lặp và không quá 500 cơ quan.",
    InvalidInspectingBody => "Cơ quan kiểm tra phải là Thanh tra tỉnh hoặc Sở Nội vụ của một tỉnh, là các cơ quan kiểm tra việc thực hiện phân cấp, ủy quyền.",
    InvalidName => "Tên không hợp lệ: không được để trống, không quá 200 ký tự và không chứa ký tự điều khiển.",
    InvalidNumber => "Số, ký hiệu văn bản không được để trống, không quá 100 ký tự và phải đọc được (ví dụ 57/NQ-HĐND).",
    InvalidPeriods => "Kỳ báo cáo không hợp lệ: khi mở kỳ, chọn từ 1 đến 24 kỳ không trùng lặp; khi xem diễn biến qua các kỳ, kỳ đầu và kỳ cuối phải đúng tần suất của chế độ báo cáo, kỳ đầu không sau kỳ cuối và không quá 60 kỳ.",
    InvalidProcedureCode => "Mã thủ tục hành chính không đúng định dạng (một chữ số, dấu chấm và sáu chữ số, ví dụ 1.009993) hoặc có quá 50 mã.",
    InvalidPublication => "Quyết định công bố thủ tục hành chính không hợp lệ: phải là quyết định của UBND tỉnh hoặc Chủ tịch UBND tỉnh nơi cơ quan giao thuộc, ban hành không muộn hơn ngày nội dung có hiệu lực.",
    InvalidRecipient => "Cơ quan nhận báo cáo phải là UBND tỉnh hoặc một cơ quan cấp tỉnh (ví dụ Sở Nội vụ).",
    InvalidReporters => "Đối tượng báo cáo không hợp lệ: chọn theo loại đơn vị hoặc theo danh sách đơn vị (không chọn cả hai); danh sách không được trống, không quá 2.000 đơn vị, không trùng lặp và không gồm cấp tỉnh (báo cáo của tỉnh là báo cáo tổng hợp).",
    InvalidTaskTime => "Thời hạn nhiệm vụ không hợp lệ: phải ghi đủ và chỉ ghi các thông tin của loại thời hạn đã chọn, ngày kết thúc không được trước ngày bắt đầu, ngày phải trong các năm 2000–2100, số ngày làm việc từ 1 đến 250, và nhiệm vụ không thuộc kế hoạch không tính hạn từ ngày ban hành kế hoạch.",
    InvalidText => "Nội dung nhập không hợp lệ: mục bắt buộc không được để trống, không vượt quá độ dài cho phép và không chứa ký tự điều khiển; tên tệp đính kèm không quá 255 ký tự, không bắt đầu bằng dấu chấm và không chứa các ký tự / \\ : \" < > | ? *.",
    InvalidUsername => "Tên đăng nhập phải gồm 3–64 ký tự: chữ cái thường không dấu, chữ số, dấu chấm, dấu gạch ngang hoặc dấu gạch dưới.",
    InvalidValue => "Giá trị nhập vào không hợp lệ hoặc vượt quá giới hạn cho phép (số liệu chỉ tiêu phải là số trong khoảng từ -10^15 đến 10^15); hãy kiểm tra lại trường được chỉ ra.",
    InvalidWebhookUrl => "Địa chỉ nhận thông báo không hợp lệ: phải có dạng http://máy-chủ[:cổng]/đường-dẫn, không quá 2.000 ký tự, không chứa tên người dùng, mật khẩu hay phần neo (#) và không trỏ tới địa chỉ đặc biệt.",
    InvalidYear => "Năm phải nằm trong khoảng từ 2000 đến 2100.",
    IssuedByDecision => "Đây là dự thảo thuộc một đề nghị; nội dung được ban hành bằng quyết định đối với đề nghị, không ban hành riêng.",
    LinkDateOrder => "Văn bản chỉ được liên kết (trả lời, thực hiện, sửa đổi hoặc bãi bỏ) với văn bản đã ban hành trước hoặc cùng ngày ban hành văn bản này.",
    LinkNotAllowed => "Văn bản này không được sửa đổi, bãi bỏ văn bản được liên kết: chỉ sửa đổi, bãi bỏ văn bản cùng cơ quan ban hành và cùng loại, văn bản cá biệt không sửa đổi, bãi bỏ văn bản quy phạm pháp luật.",
    MalformedNumber => "Số, ký hiệu văn bản không đúng thể thức: phải có dạng số/ký hiệu (ví dụ 902/QĐ-UBND) hoặc, với văn bản quy phạm pháp luật, số/năm/ký hiệu (ví dụ 15/2025/QĐ-UBND).",
    MalformedFile => "Tệp nhập có lỗi: sai định dạng, thiếu, thừa hoặc trùng cột, hoặc có ô chứa giá trị không hợp lệ hay không khớp với dữ liệu đã có (ví dụ ngày ban hành khác với văn bản đã đăng ký); chưa có dữ liệu nào được nhập, hãy sửa theo dòng và cột được chỉ ra.",
    MandatesRequired => "Cần chỉ rõ nội dung phân cấp, ủy quyền liên quan: đề nghị sửa đổi, thu hồi phải nêu các nội dung đang có hiệu lực, thẩm định phải nêu từ 1 đến 500 dự thảo, kết quả kiểm tra kiến nghị sửa đổi, thu hồi phải nêu nội dung đó.",
    MissingConditions => "Nội dung ủy quyền phải nêu điều kiện cụ thể (khoản 1 Điều 14 Luật Tổ chức chính quyền địa phương năm 2025).",
    MissingEndDate => "Nội dung ủy quyền phải có ngày kết thúc vì ủy quyền chỉ thực hiện trong khoảng thời gian xác định (khoản 1 Điều 14 Luật Tổ chức chính quyền địa phương năm 2025).",
    MalformedCsv => "Không đọc được tệp CSV danh mục thẩm quyền: dòng tiêu đề hoặc dòng dữ liệu không đọc được, thiếu, thừa hoặc trùng cột, quá 1.000 dòng, hoặc có giá trị không hợp lệ (lĩnh vực, cơ quan có thẩm quyền, đúng/sai, ngày tháng); chưa có dữ liệu nào được nhập.",
    MatterInUse => "Thẩm quyền này đang được nội dung phân cấp, ủy quyền sử dụng: không thể đổi mã thẩm quyền; khi còn nội dung có hiệu lực, cũng không thể đổi cơ quan có thẩm quyền, đánh dấu không được phân cấp, ủy quyền hoặc có thay đổi thủ tục hành chính, hay thu hẹp thời gian hiệu lực của thẩm quyền; hãy thu hồi hoặc sửa đổi các nội dung đó trước.",
    MissingIndicators => "Còn chỉ tiêu phải nhập chưa có giá trị; hãy nhập đủ số liệu trước khi nộp báo cáo.",
    MissingIssuer => "Văn bản chưa có cơ quan ban hành: khi đăng ký văn bản, hãy chọn đơn vị trong hệ thống hoặc ghi tên cơ quan ban hành; văn bản được ghi nhận là kế hoạch phải có cơ quan ban hành là một đơn vị trong hệ thống.",
    MissingLegalBasis => "Chưa có văn bản làm căn cứ: phân cấp phải có văn bản quy phạm pháp luật, ủy quyền phải có quyết định bằng văn bản (Điều 13, Điều 14 Luật Tổ chức chính quyền địa phương năm 2025).",
    MissingNarrative => "Còn thiếu phần nội dung bắt buộc (kết quả thực hiện của báo cáo, thuyết minh của đề nghị hoặc kết luận thẩm định); hãy bổ sung trước khi gửi.",
    MissingResources => "Hãy nêu nguồn lực bảo đảm (kinh phí, biên chế hoặc cơ sở vật chất) hoặc lý do không kèm nguồn lực, không nêu đồng thời cả hai; phân cấp phải đi đôi với bảo đảm nguồn lực.",
    NegativeCount => "Số hồ sơ thủ tục hành chính (tiếp nhận, giải quyết đúng hạn, quá hạn, đang giải quyết) không được là số âm.",
    NegativeResources => "Kinh phí hoặc số biên chế không được là số âm.",
    NoAssignees => "Nội dung kế hoạch chưa có cơ quan chủ trì, hoặc nhóm đơn vị được giao (các sở, các xã…) không có đơn vị nào đang hoạt động thuộc tỉnh.",
    NoChangeRecommended => "Kết quả đánh giá hoặc kiểm tra không kiến nghị sửa đổi hay thu hồi nên không lập đề nghị từ đó; để mở rộng phân cấp, ủy quyền, hãy lập đề nghị mới.",
    NoTopics => "Hãy chọn ít nhất một loại sự kiện cần nhận thông báo.",
    NoDraftMandates => "Đề nghị chưa có dự thảo nội dung phân cấp, ủy quyền để thẩm định hoặc quyết định (hoặc nội dung cần sửa đổi chưa có dự thảo tương ứng); hãy soạn dự thảo trước.",
    NoSuchBody => "Không có cơ quan cần thiết: đơn vị không có cơ quan, chức danh theo tư cách đã chọn (ví dụ sở không có HĐND), hoặc tỉnh không có Sở Nội vụ đang hoạt động để theo dõi kế hoạch (hãy chỉ định cơ quan theo dõi).",
    NonDelegable => "Pháp luật quy định không được phân cấp, ủy quyền thẩm quyền này.",
    NonDelegableBasisRequired => "Thẩm quyền không được phân cấp, ủy quyền phải ghi quy định pháp luật cấm việc đó; thẩm quyền khác không ghi căn cứ này.",
    NotACoordinator => "Đơn vị không phải là cơ quan phối hợp thực hiện nhiệm vụ này.",
    NotAPlanDocument => "Văn bản được chọn không phải là kế hoạch.",
    NotAProvince => "Đơn vị được chọn không phải là tỉnh hoặc thành phố trực thuộc trung ương; đợt đánh giá và chính sách phân cấp, ủy quyền là của cấp tỉnh.",
    NotAccepted => "Chỉ mở lại được báo cáo đã được chấp nhận; báo cáo đã nộp nhưng chưa được chấp nhận thì trả lại.",
    NotAppraisalReport => "Văn bản không phải là báo cáo thẩm định của Sở Tư pháp của tỉnh (số, ký hiệu dạng …/BCTĐ-STP).",
    NotAwaitingDocument => "Nhiệm vụ này không chờ văn bản làm mốc tính thời hạn, hoặc văn bản đó đã được ghi nhận.",
    NothingToChange => "Chưa có thay đổi: hãy nhập tên mới hoặc loại đơn vị mới.",
    NothingToCompile => "Chưa có báo cáo nào của kỳ này được chấp nhận nên chưa thể tổng hợp.",
    NotActive => "Nội dung phân cấp, ủy quyền chưa được ban hành hoặc không có hiệu lực vào ngày áp dụng nên không thể thực hiện thao tác này.",
    NotAmendable => "Chỉ sửa đổi được nội dung đã ban hành và đang có hiệu lực hoặc sắp có hiệu lực vào ngày sửa đổi có hiệu lực.",
    NotAuthorization => "Chỉ gia hạn được nội dung ủy quyền; phân cấp được thực hiện liên tục, không có thời hạn để gia hạn.",
    NotAWeekday => "Ngày nghỉ lễ phải là ngày từ thứ Hai đến thứ Sáu; nếu ngày lễ trùng thứ Bảy, Chủ nhật, hãy ghi ngày nghỉ bù.",
    NotAWeekendDay => "Ngày làm việc bù phải là thứ Bảy hoặc Chủ nhật.",
    NotCompiled => "Đây là báo cáo của đơn vị, không phải báo cáo tổng hợp; hãy dùng chức năng chấp nhận hoặc trả lại báo cáo của đơn vị.",
    NotDraft => "Nội dung này đã được ban hành, không còn là dự thảo; hãy dùng chức năng sửa đổi.",
    NotEditable => "Báo cáo đã nộp và đang chờ xem xét nên không thể sửa; chỉ sửa được khi bị trả lại.",
    NotHeld => "Cơ quan giao không nắm giữ thẩm quyền này vào ngày có hiệu lực; chỉ được phân cấp, ủy quyền nhiệm vụ, quyền hạn mà mình được giao.",
    NotLapsed => "Đơn vị được giao vẫn còn hoạt động vào ngày chuyển giao nên không chuyển cho đơn vị kế thừa.",
    NotNormative => "Phân cấp, phân quyền phải căn cứ văn bản quy phạm pháp luật; văn bản làm căn cứ đã chọn không phải văn bản quy phạm pháp luật (Điều 13 Luật Tổ chức chính quyền địa phương năm 2025).",
    NotProposedMatter => "Dự thảo phải thuộc một trong các thẩm quyền mà đề nghị nêu.",
    NotRevocable => "Chỉ thu hồi được nội dung đã ban hành; nội dung này là dự thảo hoặc đã bị thu hồi, thay thế.",
    NotSubmitted => "Báo cáo không ở trạng thái đã nộp nên không thể chấp nhận hay trả lại.",
    NoSuccessor => "Đơn vị được giao đã kết thúc hoạt động nhưng không xác định được đơn vị kế thừa; hãy chỉ định đơn vị nhận chuyển giao.",
    NoReport => "Đơn vị không có báo cáo trong kỳ này, hoặc có nhiều báo cáo mà dòng dữ liệu chưa ghi chế độ báo cáo; hãy kiểm tra đơn vị, kỳ và chế độ báo cáo.",
    NothingToSign => "Báo cáo chưa được soạn nên chưa thể ký; đơn vị báo cáo cần soạn báo cáo trước.",
    NumberIssuerMismatch => "Ký hiệu trong số văn bản không khớp với cơ quan ban hành đã chọn: văn bản của UBND, HĐND thuộc tỉnh, huyện hoặc xã, văn bản mang ký hiệu của sở thuộc sở đó, còn luật, nghị định, thông tư không gắn với đơn vị của địa phương.",
    NumberTypeMismatch => "Ký hiệu trong số văn bản không đúng với loại văn bản (ví dụ QĐ-UBND cho quyết định của UBND, NQ-HĐND cho nghị quyết của HĐND, KH-… cho kế hoạch); kế hoạch hay công văn không được đăng ký là quyết định.",
    NumberYearMismatch => "Năm trong số văn bản không trùng với năm ban hành.",
    NumberYearNotAllowed => "Chỉ văn bản quy phạm pháp luật mới ghi năm trong số văn bản; loại văn bản này (kế hoạch, báo cáo, tờ trình, công văn…) không ghi năm.",
    NumberYearRequired => "Số của văn bản quy phạm pháp luật phải ghi năm ban hành theo dạng số/năm/ký hiệu (ví dụ 15/2025/QĐ-UBND).",
    OnwardDependents => "Có nội dung phân cấp tiếp ghi nội dung này là nội dung gốc: không hủy được dự thảo khi còn nội dung như vậy, và không sửa đổi được nếu sau khi sửa đổi, cơ quan đã phân cấp tiếp không còn là cơ quan nhận hoặc nội dung phân cấp tiếp kéo dài quá thời hạn mới; hãy hủy, thu hồi hoặc sửa đổi các nội dung phân cấp tiếp đó trước.",
    OnwardFromAuthorization => "Nhiệm vụ, quyền hạn nhận theo ủy quyền không được phân cấp, ủy quyền tiếp.",
    OnwardNotAllowed => "Nội dung phân cấp gốc không cho phép phân cấp tiếp.",
    OnwardNotIssuable => "Không thể cho phép phân cấp tiếp vì cơ quan nhận không ban hành được văn bản quy phạm pháp luật để phân cấp (chỉ HĐND, UBND phân cấp; sở không phân cấp được).",
    OpinionsPending => "Còn cơ quan được xin ý kiến chưa trả lời và chưa hết hạn trả lời; hãy chờ ý kiến hoặc chờ đến khi hết hạn.",
    OutlivesParent => "Thời hạn của nội dung vượt quá thời gian cơ quan giao nắm giữ thẩm quyền (nội dung mà cơ quan giao được nhận kết thúc sớm hơn); hãy rút ngắn thời hạn.",
    OutOfRange => "Giá trị nằm ngoài khoảng cho phép (số năm, số ngày làm việc hoặc số lượng tối đa); hãy kiểm tra lại trường được chỉ ra.",
    OutOfScope => "Tài khoản không có vai trò phù hợp đối với đơn vị ở dòng này (vai trò phê duyệt đối với cơ quan giao, hoặc vai trò báo cáo đối với đơn vị báo cáo).",
    OutsideInspectionScope => "Đơn vị, nội dung hoặc kết quả kiểm tra nằm ngoài phạm vi của cuộc kiểm tra, hoặc chưa nêu đơn vị được kiểm tra; cuộc kiểm tra phải có ít nhất một đơn vị được kiểm tra, là cơ quan hoặc chính quyền địa phương thuộc tỉnh của cơ quan kiểm tra.",
    OutsideParentValidity => "Thời gian hoạt động của cơ quan phải nằm trong thời gian tồn tại của tỉnh quản lý.",
    OverdueExplanationRequired => "Nhiệm vụ đã quá hạn: hãy nêu nguyên nhân chậm và người chịu trách nhiệm.",
    OverlappingLead => "Đã có cơ quan chủ trì khác cho thẩm quyền này trên cùng địa bàn và trùng thời gian; mỗi việc chỉ có một cơ quan chủ trì.",
    PlanExists => "Văn bản này đã được ghi nhận là kế hoạch.",
    PublicationRequired => "Việc phân cấp, ủy quyền thẩm quyền này làm thay đổi thủ tục hành chính; hãy viện dẫn quyết định của Chủ tịch UBND tỉnh công bố thủ tục hành chính được sửa đổi.",
    ParentNotInForce => "Tỉnh quản lý chưa thành lập hoặc đã kết thúc hoạt động vào ngày bắt đầu hoạt động của cơ quan.",
    ParentNotProvince => "Cơ quan (sở, ban, văn phòng, thanh tra) phải trực thuộc UBND tỉnh.",
    PeriodAlreadyOpen => "Kỳ báo cáo này đã được mở.",
    PeriodFrequencyMismatch => "Kỳ báo cáo không đúng tần suất của chế độ báo cáo (ví dụ chọn quý cho chế độ báo cáo tháng).",
    ProceduresNotAsked => "Thẩm quyền này không có thủ tục hành chính trong danh mục nên không nhập số liệu hồ sơ.",
    ReasonRequired => "Hãy nêu lý do, hoặc kết quả xử lý khi đóng kiến nghị (từ 1 đến 5.000 ký tự, không chứa ký tự điều khiển).",
    RecommendationClosed => "Kiến nghị này đã được đóng.",
    RecommendationReasonRequired => "Khi kiến nghị sửa đổi, thu hồi hoặc mở rộng, hãy nêu lý do kiến nghị (tối đa 20.000 ký tự).",
    RecommendationsOpen => "Còn kiến nghị chưa hoàn thành hoặc chưa được đóng nên chưa thể kết thúc cuộc kiểm tra.",
    RecipientNotInForce => "Cơ quan nhận báo cáo chưa thành lập hoặc đã kết thúc hoạt động vào ngày chốt số liệu của kỳ báo cáo.",
    ReportInCompilation => "Báo cáo này đã được đưa vào báo cáo tổng hợp đang trình hoặc đã được UBND tỉnh chấp nhận; cần trả lại hoặc mở lại báo cáo tổng hợp trước.",
    ReporterOutsideTerritory => "Đơn vị báo cáo phải thuộc địa bàn của cơ quan nhận báo cáo và không phải là cấp tỉnh.",
    ReportLocked => "Báo cáo đã được chấp nhận nên không thể sửa đổi.",
    ReportsStillDue => "Chưa đủ báo cáo của các đơn vị và chưa hết hạn nộp; UBND tỉnh chấp nhận báo cáo tổng hợp khi đã nhận đủ báo cáo hoặc sau khi hết hạn.",
    ResolutionRequired => "Nội dung này phải được quyết định bằng nghị quyết của HĐND (phân cấp về ngân sách).",
    RuleBroken => "Số liệu báo cáo không thỏa mãn quy tắc kiểm tra của chế độ báo cáo (ví dụ số giải quyết đúng hạn lớn hơn số tiếp nhận); hãy kiểm tra lại trước khi nộp.",
    ServiceHasNoPassword => "Tài khoản kết nối giữa các hệ thống không dùng mật khẩu mà dùng mã truy cập dài hạn.",
    SignerCapacityMismatch => "Thẩm quyền ký không khớp với chức vụ người ký: chức vụ phải bắt đầu bằng TM., KT., TL. hoặc TUQ. tương ứng, hoặc không có các chữ này khi ký với danh nghĩa của mình.",
    TaskClosed => "Nhiệm vụ đã hoàn thành (đang chờ chấp nhận) hoặc đã được chấp nhận; cơ quan chủ trì chỉ báo cáo tiếp khi nhiệm vụ bị trả lại, còn nhiệm vụ đã được chấp nhận thì không nhận thêm đóng góp của cơ quan phối hợp và không chuyển giao.",
    TaskIsGroup => "Đây là nhiệm vụ chung giao cho nhiều đơn vị; hãy báo cáo, hoàn thành, chấp nhận hoặc trả lại phần việc của từng đơn vị.",
    TaskNotCompleted => "Cơ quan chủ trì chưa báo cáo hoàn thành nhiệm vụ nên chưa thể chấp nhận hoặc trả lại.",
    Throttled => "Nhập sai mật khẩu quá nhiều lần (khi đăng nhập hoặc khi đổi mật khẩu); vui lòng thử lại sau ít phút.",
    TooManyIndicators => "Một chế độ báo cáo có tối đa 50 chỉ tiêu.",
    TooManyLevels => "Theo chuỗi phân cấp, ủy quyền, thẩm quyền này sẽ do hơn hai cấp hành chính quản lý (sở được tính là cấp tỉnh); mỗi việc chỉ do tối đa hai cấp quản lý.",
    TooManyRules => "Một chế độ báo cáo có tối đa 50 quy tắc kiểm tra số liệu.",
    TooManyRows => "Tệp nhập quá lớn: tối đa 100.000 dòng (hoặc 100.000 giá trị số liệu) và 16 MB; hãy chia thành nhiều tệp.",
    TooManyValues => "Danh sách gửi lên có quá nhiều phần tử so với giới hạn cho phép (ví dụ tối đa 500 giá trị chỉ tiêu trong một lần lưu báo cáo); hãy chia nhỏ hoặc rút gọn.",
    UnitNotInForce => "Đơn vị không còn hoạt động nên không thể cập nhật.",
    UnknownDocument => "Không tìm thấy văn bản được viện dẫn, hoặc số văn bản viện dẫn vượt quá giới hạn; hãy đăng ký văn bản trước và kiểm tra lại danh sách.",
    UnknownIndicator => "Mã chỉ tiêu không có trong chế độ báo cáo.",
    UnknownItem => "Nội dung được nêu không thuộc phạm vi của hồ sơ này (không được giao cho đơn vị trong kỳ báo cáo, hoặc không thuộc các dự thảo được thẩm định).",
    UnknownMatter => "Mã thẩm quyền chưa có trong danh mục thẩm quyền (hoặc chưa có hiệu lực vào ngày bắt đầu), hoặc đề nghị chưa nêu thẩm quyền nào; hãy chọn thẩm quyền trong danh mục, bổ sung vào danh mục trước nếu cần.",
    UnknownReference => "Dòng dữ liệu viện dẫn một mã không có trong hệ thống hoặc bạn không có quyền xem (ví dụ mã chế độ báo cáo, mã nội dung phân cấp, ủy quyền gốc).",
    UnknownUnit => "Không có đơn vị nào mang mã này vào ngày tương ứng của dòng dữ liệu.",
    Unsigned => "Chế độ báo cáo yêu cầu thủ trưởng đơn vị ký báo cáo trước khi gửi; báo cáo chưa được ký hoặc đã thay đổi sau khi ký.",
    UnsupportedFileType => "Loại tệp không được hỗ trợ; chỉ nhận tệp PDF, PNG, JPEG, Word (.doc, .docx), Excel (.xls, .xlsx) hoặc OpenDocument (.odt, .ods), xác định theo nội dung tệp.",
    UsernameTaken => "Tên đăng nhập đã được sử dụng; hãy chọn tên khác.",
    UserInactive => "Tài khoản người dùng đã bị vô hiệu hóa nên không thể cấp vai trò.",
    ValueOutOfRange => "Giá trị chỉ tiêu nằm ngoài khoảng cho phép (tỷ lệ phần trăm từ 0 đến 100, trừ khi chế độ báo cáo quy định khác).",
    WebhookInactive => "Địa chỉ nhận thông báo đã bị ngừng hoạt động nên không thể gửi lại.",
    WeakPassword => "Tài khoản của người dùng phải có mật khẩu, gồm từ 10 đến 200 ký tự.",
    WrongDocumentType => "Loại văn bản không phù hợp: quyết định kiểm tra phải là quyết định của cơ quan kiểm tra, kết luận kiểm tra phải là báo cáo.",
    WrongInstrumentType => "Loại văn bản không phù hợp: tờ trình phải là văn bản loại tờ trình; về hình thức giao, phân cấp bằng nghị quyết của HĐND hoặc quyết định quy phạm pháp luật của UBND, ủy quyền bằng quyết định của UBND, Chủ tịch UBND hoặc sở, phân quyền bằng luật, nghị quyết của Quốc hội.",
    WrongIssuer => "Văn bản không do đúng cơ quan ban hành: tờ trình, quyết định, văn bản góp ý kiến, quyết định kiểm tra hay báo cáo kết luận kiểm tra phải do chính cơ quan thực hiện việc đó ban hành.",
    WrongStage => "Đề nghị, cuộc kiểm tra hoặc nội dung phân cấp, ủy quyền không ở bước cho phép thao tác này (ví dụ thẩm định một đề nghị chưa được gửi thẩm định; chỉ ghi nhận thẩm định riêng cho dự thảo không thuộc đề nghị nào hoặc nội dung đã ban hành cần sửa đổi).",
    WrongValueType => "Giá trị không đúng kiểu của chỉ tiêu (số nguyên, số, tỷ lệ phần trăm, đúng/sai hoặc chữ); mỗi chỉ tiêu nhập đúng một giá trị phù hợp.",
});

impl UserErrorCode {
    /// The name clients see, e.g. `NOT_HELD`.
    pub fn name(self) -> String {
        match async_graphql::InputType::to_value(&self) {
            async_graphql::Value::Enum(name) => name.to_string(),
            other => other.to_string(),
        }
    }
}

impl std::fmt::Display for UserErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_busy_sqlite_is_a_conflict_to_retry_and_other_failures_stay_internal() {
        let busy =
            DbErr::Custom("error returned from database: (code: 5) database is locked".into());
        assert_eq!(AppError::from(busy).code(), "CONFLICT");
        let other = DbErr::Custom("disk I/O error".into());
        assert_eq!(AppError::from(other).code(), "INTERNAL");
    }
}
