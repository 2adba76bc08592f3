import { aggregateOperation } from './aggregate';

export const { description, execute } = aggregateOperation('getByStatus', 'agregate', 'status', 'Statistics → Get by Status');
