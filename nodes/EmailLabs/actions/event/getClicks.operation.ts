import { activityListOperation } from './listActivity';

export const { description, execute, generations } = activityListOperation('getClicks', 'clicks');
