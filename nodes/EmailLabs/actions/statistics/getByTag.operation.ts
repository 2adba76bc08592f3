import { aggregateOperation } from './aggregate';

export const { description, execute, generations } = aggregateOperation('getByTag', 'agregate_tags', 'tag');
