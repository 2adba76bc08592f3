const { src, dest } = require('gulp');

// tsc does not copy assets: put the node and credential icons where dist/ code references them.
function buildIcons() {
	return src('icons/**/*.svg').pipe(dest('dist/icons'));
}

exports['build:icons'] = buildIcons;
