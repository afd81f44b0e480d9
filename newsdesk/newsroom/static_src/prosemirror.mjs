// The parts of ProseMirror the story editor uses, bundled by `make editor-vendor` into one
// script (static/newsroom/vendor/prosemirror.js) that sets window.ProseMirror: ProseMirror
// ships as separate ES modules importing each other by package name, which a browser cannot
// load without a bundler or an inline import map (refused by the Content-Security-Policy).
export { Schema, DOMParser, DOMSerializer, Fragment } from "prosemirror-model";
export { EditorState, Plugin, NodeSelection, TextSelection } from "prosemirror-state";
export { EditorView } from "prosemirror-view";
export { baseKeymap, toggleMark, setBlockType, wrapIn, lift, chainCommands, exitCode } from "prosemirror-commands";
export { keymap } from "prosemirror-keymap";
export { history, undo, redo } from "prosemirror-history";
export { wrapInList, splitListItem, liftListItem, sinkListItem } from "prosemirror-schema-list";
export { inputRules, wrappingInputRule, textblockTypeInputRule, smartQuotes, emDash, ellipsis } from "prosemirror-inputrules";
export { dropCursor } from "prosemirror-dropcursor";
export { gapCursor } from "prosemirror-gapcursor";
