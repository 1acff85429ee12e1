import 'uplot/dist/uPlot.min.css';
import './styles/admin.css';
import { render } from 'preact';
import { readPageSession, setPageSession } from './api';
import { AdminApp } from './App';

setPageSession(readPageSession());
const version = document.querySelector<HTMLMetaElement>('meta[name="ownstream-version"]')?.content ?? '';
const root = document.getElementById('app');
if (!root) throw new Error('Ownstream admin: #app element missing from the page');
root.textContent = '';
render(<AdminApp version={version} />, root);
