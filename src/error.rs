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
        message: String,
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
