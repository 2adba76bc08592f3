import { activityListOperation } from './listActivity';

export const { description, execute } = activityListOperation('getClicks', 'clicks', 'Event → Get Clicks');
