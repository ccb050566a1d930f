import { createApp } from 'vue';
import './styles.css';
import App from './App.vue';
import { startBench } from './bench/harness.ts';

const params = new URLSearchParams(window.location.search);
const root = document.getElementById('app');
if (!root) throw new Error('index.html has no #app element');

// `?bench=N` shows only the point view with N generated points (bench/render.ts).
if (params.has('bench')) startBench(root, params);
else createApp(App).mount(root);
