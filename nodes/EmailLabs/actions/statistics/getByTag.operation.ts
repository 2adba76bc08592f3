import { aggregateOperation } from './aggregate';

export const { description, execute } = aggregateOperation('getByTag', 'agregate_tags', 'tag', 'Statistics → Get by Tag');
