import { aggregateOperation } from './aggregate';

export const { description, execute, generations } = aggregateOperation('getByStatus', 'agregate', 'status');
