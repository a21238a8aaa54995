// The code editor: CodeMirror 6 with the languages an app can be written in.

import {EditorView, basicSetup} from 'codemirror';
import {keymap} from '@codemirror/view';
import {EditorState, Prec} from '@codemirror/state';
import {cpp} from '@codemirror/lang-cpp';
import {go} from '@codemirror/lang-go';
import {rust} from '@codemirror/lang-rust';

const languages = {go, c: cpp, rust};

// createEditor makes an editor in parent. nonce is the page's CSP nonce,
// which CodeMirror's style element needs; onSubmit runs on Ctrl/Cmd+Enter.
export function createEditor(parent, {nonce, labelledBy, onSubmit}) {
  const extensions = (lang) => [
    basicSetup,
    languages[lang] ? languages[lang]() : [],
    // Above the default keymap, where Mod-Enter inserts a blank line.
    Prec.highest(keymap.of([{key: 'Mod-Enter', run: () => (onSubmit(), true)}])),
    EditorView.cspNonce.of(nonce),
    EditorView.contentAttributes.of({'aria-labelledby': labelledBy}),
  ];
  const view = new EditorView({parent, state: EditorState.create({extensions: extensions('')})});
  return {
    view,
    // load replaces the text (and its undo history) and the language.
    load(text, lang) {
      view.setState(EditorState.create({doc: text, extensions: extensions(lang)}));
    },
    text: () => view.state.doc.toString(),
    focus: () => view.focus(),
  };
}
