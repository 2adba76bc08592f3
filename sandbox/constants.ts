/**
 * Fixed values of the EmailLabs sandbox: default keys, seed data, limits and status names.
 */
export const DEFAULT_LEGACY_KEYS = { appKey: 'sandbox-app-key', secretKey: 'sandbox-secret-key' };
export const DEFAULT_V2_KEYS = { applicationKey: 'sandbox-application-key', authorizationSecret: 'sandbox-authorization-secret' };
export const SEED_SMTP_ACCOUNTS = ['1.sandbox.smtp', '2.sandbox.smtp'];
/** Recipients at this domain hard-bounce (and are blacklisted with reason hardbounce, source smtp). */
export const BOUNCE_DOMAIN = 'bounce.test';
/** Recipients at this domain soft-bounce (mailbox full; not blacklisted). */
export const SOFT_BOUNCE_DOMAIN = 'softbounce.test';
/** Recipients with this local part file a spam complaint (status feedback) after delivery. */
export const COMPLAINT_LOCAL_PART = 'complaint';
export const BLACKLIST_REASONS: Record<string, string> = {
	hardbounce: 'Hard bounce',
	other: 'Other',
	spam_complaint: 'Spam complaint',
	unsubscribe: 'Unsubscribe',
};
/** A template present from the start (and after a reset), used by examples/crm-signup-welcome.json. */
export const SEED_TEMPLATE = {
	id: 'welcome',
	name: 'Welcome (sandbox seed)',
	html: '<h1>Welcome, {{ firstName }}!</h1><p>Thanks for signing up for {{ company }}. Your account is ready.</p>',
	text: 'Welcome, {{ firstName }}! Thanks for signing up for {{ company }}. Your account is ready.',
};
/** The templates present from the start (and after a reset): `welcome`, and `follow-up` for examples/follow-up-after-open.json. */
export const SEED_TEMPLATES = [
	SEED_TEMPLATE,
	{
		id: 'follow-up',
		name: 'Campaign follow-up (sandbox seed)',
		html: '<h1>Still thinking about {{ campaign }}?</h1><p>You had a look: here is free shipping on top, this week only.</p>',
		text: 'Still thinking about {{ campaign }}? You had a look: here is free shipping on top, this week only.',
	},
];
export const DISPOSABLE_DOMAINS = ['mailinator.com', 'yopmail.com', '10minutemail.com', 'guerrillamail.com', 'temp-mail.org', 'disposable.test'];
export const MAX_RECIPIENTS = 200;
export const MAX_SUBJECT = 128;
export const MAX_TEMPLATES = 50;
export const MAX_AGGREGATE_DAYS = 62;
export const EMAIL = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;

/** Friendly names accepted by the control API and the page, mapped to EmailLabs statuses. */
export const STATUS_ALIASES: Record<string, string> = {
	delivered: 'ok',
	ok: 'ok',
	open: 'open',
	opened: 'open',
	click: 'track',
	clicked: 'track',
	track: 'track',
	hardbounce: 'hardbounce',
	hardBounce: 'hardbounce',
	softbounce: 'softbounce',
	softBounce: 'softbounce',
	spambounce: 'spambounce',
	deferred: 'deferred',
	dropped: 'dropped',
	feedback: 'feedback',
	complaint: 'feedback',
	spamComplaint: 'feedback',
	injected: 'injected',
};
export const STATUS_DESCRIPTIONS: Record<string, string> = {
	injected: 'Message accepted',
	ok: '250 2.0.0 OK: queued as SANDBOX',
	hardbounce: '550 5.1.1 Recipient address rejected: User unknown',
	softbounce: '452 4.2.2 Mailbox full',
	spambounce: '554 5.7.1 Message rejected as spam',
	deferred: '421 4.7.0 Try again later',
	dropped: 'Recipient is on the blacklist',
	feedback: 'Spam complaint (FBL)',
	open: 'Message opened',
	track: 'Link clicked',
};
