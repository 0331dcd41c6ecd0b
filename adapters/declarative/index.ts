export { declaredAdapter, fractionDigitsOf } from './adapter.js';
export { canonicalText } from './auth.js';
export { compileDeclaration } from './compile.js';
export { moneyFunctions } from './expressions.js';
export { DeclarationError, declarationAdapter, loadDeclaration } from './load.js';
export { type DeclaredOptions, optionsSchemaOf } from './options.js';
export { type Declaration, declarationSchema } from './schema.js';
