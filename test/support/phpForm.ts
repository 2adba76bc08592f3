/**
 * The PHP-style form/query decoder used by the tests. It lives in sandbox/phpForm.ts (the sandbox
 * decodes legacy request bodies with it, and product code must not import from test/); this
 * module re-exports it so the tests keep their import path.
 */
export { asList, decodePhpForm, decodePhpQuery, type PhpObject, type PhpValue } from '../../sandbox/phpForm';
