/** The events a user can pick in the trigger, independent of how requests are read. */

export type EmailLabsEvent =
	| 'delivered'
	| 'softBounce'
	| 'hardBounce'
	| 'spamBounce'
	| 'dropped'
	| 'deferred'
	| 'opened'
	| 'clicked'
	| 'spamComplaint'
	| 'injected'
	| 'unsubscribed'
	| 'other';

export interface EventDefinition {
	event: Exclude<EmailLabsEvent, 'other'>;
	displayName: string;
	/** Status values that mean this event, lower case, without separators; the first is EmailLabs' own. */
	statuses: string[];
	bounceType?: 'hard' | 'soft' | 'spam';
	description: string;
}

/**
 * The events the node offers, and the EmailLabs statuses behind each: the vendor's status list
 * ("Statusy wiadomości", https://docs.emaillabs.io/panel-analityczny/dostarczalnosc-wiadomosci/statusy-wiadomosci).
 */
export const EVENT_DEFINITIONS: readonly EventDefinition[] = [
	{ event: 'delivered', displayName: 'Delivered', statuses: ['ok', 'delivered'], description: 'Status ok: accepted by the recipient server. Must be enabled by EmailLabs support.' },
	{ event: 'softBounce', displayName: 'Soft Bounce', statuses: ['softbounce'], bounceType: 'soft', description: 'Temporary failure (full mailbox, server down)' },
	{ event: 'hardBounce', displayName: 'Hard Bounce', statuses: ['hardbounce'], bounceType: 'hard', description: 'Permanent failure; EmailLabs blacklists the address' },
	{ event: 'spamBounce', displayName: 'Spam Bounce', statuses: ['spambounce'], bounceType: 'spam', description: 'Rejected by the recipient server as spam' },
	{ event: 'dropped', displayName: 'Dropped', statuses: ['dropped'], description: 'Not sent because the address is blacklisted' },
	{ event: 'deferred', displayName: 'Deferred', statuses: ['deferred'], description: 'Temporarily held; EmailLabs retries for 48 hours' },
	{ event: 'opened', displayName: 'Opened', statuses: ['open', 'opened'], description: 'Status open' },
	{ event: 'clicked', displayName: 'Clicked', statuses: ['track', 'click', 'clicked'], description: 'Status track: a link was clicked' },
	{ event: 'spamComplaint', displayName: 'Spam Complaint', statuses: ['feedback', 'spamcomplaint', 'complaint'], description: 'Status feedback: the recipient reported spam (FBL)' },
	{ event: 'injected', displayName: 'Injected', statuses: ['injected'], description: 'Accepted into EmailLabs (one per message, usually noise)' },
	{ event: 'unsubscribed', displayName: 'Unsubscribed', statuses: ['unsubscribe', 'unsubscribed', 'oneclickunsubscribe'], description: 'Unsubscribe report, where the channel sends one' },
];
