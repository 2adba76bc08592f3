import { activityListOperation } from './listActivity';

export const { description, execute } = activityListOperation('getOpens', 'opens', 'Event → Get Opens');
