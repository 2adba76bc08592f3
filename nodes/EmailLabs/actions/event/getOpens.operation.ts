import { activityListOperation } from './listActivity';

export const { description, execute, generations } = activityListOperation('getOpens', 'opens');
